"""pydantic models for every request body, query string, WebSocket frame and answer (the
edges only), one module per kind; `from chalicelib import schemas as s` reaches them all."""

from chalicelib.schemas.answers import (
    AgentListOut as AgentListOut,
)
from chalicelib.schemas.answers import (
    AgentOut as AgentOut,
)
from chalicelib.schemas.answers import (
    AuthorOut as AuthorOut,
)
from chalicelib.schemas.answers import (
    AvailabilityOut as AvailabilityOut,
)
from chalicelib.schemas.answers import (
    BrowserBinding as BrowserBinding,
)
from chalicelib.schemas.answers import (
    CannedListOut as CannedListOut,
)
from chalicelib.schemas.answers import (
    CannedOut as CannedOut,
)
from chalicelib.schemas.answers import (
    ConfigOut as ConfigOut,
)
from chalicelib.schemas.answers import (
    ContactInfoOut as ContactInfoOut,
)
from chalicelib.schemas.answers import (
    ContactListOut as ContactListOut,
)
from chalicelib.schemas.answers import (
    ContactOut as ContactOut,
)
from chalicelib.schemas.answers import (
    DeletedOut as DeletedOut,
)
from chalicelib.schemas.answers import (
    DepartmentListOut as DepartmentListOut,
)
from chalicelib.schemas.answers import (
    DepartmentOut as DepartmentOut,
)
from chalicelib.schemas.answers import (
    ErrorBody as ErrorBody,
)
from chalicelib.schemas.answers import (
    ErrorOut as ErrorOut,
)
from chalicelib.schemas.answers import (
    FileOut as FileOut,
)
from chalicelib.schemas.answers import (
    IdentitiesOut as IdentitiesOut,
)
from chalicelib.schemas.answers import (
    IdentityOut as IdentityOut,
)
from chalicelib.schemas.answers import (
    LoginOut as LoginOut,
)
from chalicelib.schemas.answers import (
    MessageOut as MessageOut,
)
from chalicelib.schemas.answers import (
    MessagePageOut as MessagePageOut,
)
from chalicelib.schemas.answers import (
    OpenApiDocumentOut as OpenApiDocumentOut,
)
from chalicelib.schemas.answers import (
    PublicAgentListOut as PublicAgentListOut,
)
from chalicelib.schemas.answers import (
    PublicAgentOut as PublicAgentOut,
)
from chalicelib.schemas.answers import (
    RatingOut as RatingOut,
)
from chalicelib.schemas.answers import (
    RegisteredOut as RegisteredOut,
)
from chalicelib.schemas.answers import (
    RoomAgentOut as RoomAgentOut,
)
from chalicelib.schemas.answers import (
    RoomOut as RoomOut,
)
from chalicelib.schemas.answers import (
    RoomPageOut as RoomPageOut,
)
from chalicelib.schemas.answers import (
    RoomWithMessagesOut as RoomWithMessagesOut,
)
from chalicelib.schemas.answers import (
    SessionListOut as SessionListOut,
)
from chalicelib.schemas.answers import (
    SessionOut as SessionOut,
)
from chalicelib.schemas.answers import (
    SsoExchangeIn as SsoExchangeIn,
)
from chalicelib.schemas.answers import (
    SsoSignedInOut as SsoSignedInOut,
)
from chalicelib.schemas.answers import (
    SsoStartIn as SsoStartIn,
)
from chalicelib.schemas.answers import (
    SsoStartOut as SsoStartOut,
)
from chalicelib.schemas.answers import (
    TicketOut as TicketOut,
)
from chalicelib.schemas.answers import (
    VisitorCreatedOut as VisitorCreatedOut,
)
from chalicelib.schemas.answers import (
    VisitorOut as VisitorOut,
)
from chalicelib.schemas.base import (
    AgentsCursor as AgentsCursor,
)
from chalicelib.schemas.base import (
    ClientId as ClientId,
)
from chalicelib.schemas.base import (
    CreatedKeyCursor as CreatedKeyCursor,
)
from chalicelib.schemas.base import (
    DepartmentId as DepartmentId,
)
from chalicelib.schemas.base import (
    Email as Email,
)
from chalicelib.schemas.base import (
    Id as Id,
)
from chalicelib.schemas.base import (
    IsoTime as IsoTime,
)
from chalicelib.schemas.base import (
    Name as Name,
)
from chalicelib.schemas.base import (
    Role as Role,
)
from chalicelib.schemas.base import (
    RoomState as RoomState,
)
from chalicelib.schemas.base import (
    Schema as Schema,
)
from chalicelib.schemas.base import (
    Status as Status,
)
from chalicelib.schemas.base import (
    Strict as Strict,
)
from chalicelib.schemas.base import (
    Text as Text,
)
from chalicelib.schemas.files import (
    FileUrlOut as FileUrlOut,
)
from chalicelib.schemas.files import (
    UploadIn as UploadIn,
)
from chalicelib.schemas.files import (
    UploadOut as UploadOut,
)
from chalicelib.schemas.frames import (
    ClientFrame as ClientFrame,
)
from chalicelib.schemas.frames import (
    HeartbeatFrame as HeartbeatFrame,
)
from chalicelib.schemas.frames import (
    SendFrame as SendFrame,
)
from chalicelib.schemas.frames import (
    TypingFrame as TypingFrame,
)
from chalicelib.schemas.offline import (
    OfflineMessageIn as OfflineMessageIn,
)
from chalicelib.schemas.offline import (
    TranscriptIn as TranscriptIn,
)
from chalicelib.schemas.offline import (
    TranscriptOut as TranscriptOut,
)
from chalicelib.schemas.push import (
    PushKeyOut as PushKeyOut,
)
from chalicelib.schemas.push import (
    PushSubscriptionIn as PushSubscriptionIn,
)
from chalicelib.schemas.push import (
    PushSubscriptionOut as PushSubscriptionOut,
)
from chalicelib.schemas.queries import (
    AdminAgentsQuery as AdminAgentsQuery,
)
from chalicelib.schemas.queries import (
    AgentsQuery as AgentsQuery,
)
from chalicelib.schemas.queries import (
    DeleteRoomsQuery as DeleteRoomsQuery,
)
from chalicelib.schemas.queries import (
    DirectoryQuery as DirectoryQuery,
)
from chalicelib.schemas.queries import (
    Limit as Limit,
)
from chalicelib.schemas.queries import (
    MessagesQuery as MessagesQuery,
)
from chalicelib.schemas.queries import (
    MyRoomsQuery as MyRoomsQuery,
)
from chalicelib.schemas.queries import (
    NameQuery as NameQuery,
)
from chalicelib.schemas.queries import (
    PageQuery as PageQuery,
)
from chalicelib.schemas.queries import (
    Query as Query,
)
from chalicelib.schemas.queries import (
    QueueOut as QueueOut,
)
from chalicelib.schemas.queries import (
    QueueQuery as QueueQuery,
)
from chalicelib.schemas.queries import (
    RoomsQuery as RoomsQuery,
)
from chalicelib.schemas.queries import (
    SearchQuery as SearchQuery,
)
from chalicelib.schemas.queries import (
    Seq as Seq,
)
from chalicelib.schemas.queries import (
    SsoCallbackQuery as SsoCallbackQuery,
)
from chalicelib.schemas.requests import (
    AgentPatchIn as AgentPatchIn,
)
from chalicelib.schemas.requests import (
    AgentSettings as AgentSettings,
)
from chalicelib.schemas.requests import (
    AgentSettingsPatch as AgentSettingsPatch,
)
from chalicelib.schemas.requests import (
    ApproveIn as ApproveIn,
)
from chalicelib.schemas.requests import (
    AvailabilityIn as AvailabilityIn,
)
from chalicelib.schemas.requests import (
    Avatar as Avatar,
)
from chalicelib.schemas.requests import (
    CannedIn as CannedIn,
)
from chalicelib.schemas.requests import (
    CloseIn as CloseIn,
)
from chalicelib.schemas.requests import (
    ContactIn as ContactIn,
)
from chalicelib.schemas.requests import (
    DepartmentIn as DepartmentIn,
)
from chalicelib.schemas.requests import (
    DepartmentPatchIn as DepartmentPatchIn,
)
from chalicelib.schemas.requests import (
    ForwardIn as ForwardIn,
)
from chalicelib.schemas.requests import (
    IsoDate as IsoDate,
)
from chalicelib.schemas.requests import (
    LoginIn as LoginIn,
)
from chalicelib.schemas.requests import (
    MePatch as MePatch,
)
from chalicelib.schemas.requests import (
    OfficeHours as OfficeHours,
)
from chalicelib.schemas.requests import (
    Origin as Origin,
)
from chalicelib.schemas.requests import (
    PasswordChangeIn as PasswordChangeIn,
)
from chalicelib.schemas.requests import (
    RegisterIn as RegisterIn,
)
from chalicelib.schemas.requests import (
    SendMessageIn as SendMessageIn,
)
from chalicelib.schemas.requests import (
    Shortcut as Shortcut,
)
from chalicelib.schemas.requests import (
    Span as Span,
)
from chalicelib.schemas.requests import (
    StartChatIn as StartChatIn,
)
from chalicelib.schemas.requests import (
    StatusIn as StatusIn,
)
from chalicelib.schemas.requests import (
    VerifyEmailIn as VerifyEmailIn,
)
from chalicelib.schemas.requests import (
    Weekday as Weekday,
)
from chalicelib.schemas.stats import (
    AgentStatsListOut as AgentStatsListOut,
)
from chalicelib.schemas.stats import (
    AgentStatsQuery as AgentStatsQuery,
)
from chalicelib.schemas.stats import (
    RatingIn as RatingIn,
)
from chalicelib.schemas.stats import (
    StatsOut as StatsOut,
)
from chalicelib.schemas.stats import (
    StatsQuery as StatsQuery,
)
from chalicelib.schemas.team_chat import (
    AddMemberIn as AddMemberIn,
)
from chalicelib.schemas.team_chat import (
    ChangeChannelIn as ChangeChannelIn,
)
from chalicelib.schemas.team_chat import (
    ColleagueOut as ColleagueOut,
)
from chalicelib.schemas.team_chat import (
    CreateChannelIn as CreateChannelIn,
)
from chalicelib.schemas.team_chat import (
    DirectoryOut as DirectoryOut,
)
from chalicelib.schemas.team_chat import (
    EditMessageIn as EditMessageIn,
)
from chalicelib.schemas.team_chat import (
    FoundRoomOut as FoundRoomOut,
)
from chalicelib.schemas.team_chat import (
    OpenDirectIn as OpenDirectIn,
)
from chalicelib.schemas.team_chat import (
    ReadIn as ReadIn,
)
from chalicelib.schemas.team_chat import (
    ReadMarkerOut as ReadMarkerOut,
)
from chalicelib.schemas.team_chat import (
    SearchOut as SearchOut,
)
from chalicelib.schemas.team_chat import (
    StaffMemberOut as StaffMemberOut,
)
from chalicelib.schemas.team_chat import (
    StaffRetentionIn as StaffRetentionIn,
)
from chalicelib.schemas.team_chat import (
    StaffRetentionOut as StaffRetentionOut,
)
from chalicelib.schemas.team_chat import (
    StaffRoomListOut as StaffRoomListOut,
)
from chalicelib.schemas.team_chat import (
    StaffRoomName as StaffRoomName,
)
from chalicelib.schemas.team_chat import (
    StaffRoomOut as StaffRoomOut,
)
from chalicelib.schemas.team_chat import (
    StaffRoomWithMembersOut as StaffRoomWithMembersOut,
)
from chalicelib.schemas.team_chat import (
    Topic as Topic,
)
