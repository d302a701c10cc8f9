namespace SharedChannels.PostgreSql.Internal;

/// <summary>
/// The schema, as an append-only list of migrations. Never edit a shipped migration: add a new one, so databases
/// created by an older version upgrade in place.
/// </summary>
/// <remarks>
/// <para>
/// Every table lives in the storage's own schema (<c>{schema}</c> below), so the SDK's tables never meet the host's.
/// Times are <c>timestamptz</c> (microsecond precision). Ids use the <c>"C"</c> collation: they are compared and
/// ordered byte by byte, as the in-memory stores order them (ordinal), whatever the database's locale.
/// </para>
/// <para>
/// There are deliberately no foreign keys between tables: the store ports accept remotes and cursors independently
/// of channels and connections (as the in-memory stores do), and connections are soft-deleted.
/// </para>
/// </remarks>
internal static class SchemaMigrations
{
    /// <summary>Creates the table that records applied migrations; idempotent, run before reading the version.</summary>
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS {schema}.schema_version (
            version     integer     NOT NULL PRIMARY KEY,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Gets every migration, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "Connections, shared channels, shared channel remotes and sync cursors", """
            CREATE TABLE {schema}.connections (
                remote_id                   text COLLATE "C" NOT NULL PRIMARY KEY,
                name                        text COLLATE "C" NOT NULL,
                display_name                text        NOT NULL,
                site_url                    text        NULL,
                default_team_id             text        NOT NULL,
                creator_id                  text        NOT NULL,
                created_at                  timestamptz NOT NULL,
                invitation_generated_at     timestamptz NOT NULL,
                is_inviter                  boolean     NOT NULL,
                invitation_accepted         boolean     NOT NULL,
                last_ping_at                timestamptz NULL,
                deleted_at                  timestamptz NULL,
                token                       text        NOT NULL,
                remote_token                text        NULL,
                peer_supports_signed_frames boolean     NOT NULL
            );

            -- A name is unique among connections that are not deleted; a deleted connection's name may be reused.
            CREATE UNIQUE INDEX ux_connections_live_name ON {schema}.connections (name) WHERE deleted_at IS NULL;
            CREATE INDEX ix_connections_created ON {schema}.connections (created_at, remote_id);

            CREATE TABLE {schema}.shared_channels (
                channel_id         text COLLATE "C" NOT NULL PRIMARY KEY,
                team_id            text        NOT NULL,
                name               text        NOT NULL,
                display_name       text        NOT NULL,
                type               integer     NOT NULL,
                home_connection_id text COLLATE "C" NULL,
                read_only          boolean     NOT NULL,
                creator_id         text        NOT NULL,
                created_at         timestamptz NOT NULL
            );

            CREATE INDEX ix_shared_channels_created ON {schema}.shared_channels (created_at, channel_id);

            CREATE TABLE {schema}.shared_channel_remotes (
                channel_id          text COLLATE "C" NOT NULL,
                connection_id       text COLLATE "C" NOT NULL,
                read_only           boolean     NOT NULL,
                invitation_accepted boolean     NOT NULL,
                creator_id          text        NOT NULL,
                created_at          timestamptz NOT NULL,
                PRIMARY KEY (channel_id, connection_id)
            );

            CREATE INDEX ix_shared_channel_remotes_connection ON {schema}.shared_channel_remotes (connection_id, created_at, channel_id);

            CREATE TABLE {schema}.sync_cursors (
                channel_id    text COLLATE "C" NOT NULL,
                connection_id text COLLATE "C" NOT NULL,
                cursor        text        NOT NULL,
                synced_at     timestamptz NOT NULL,
                PRIMARY KEY (channel_id, connection_id)
            );
            """),
        new(2, "Connection leases and the shared inbound frame log, for several nodes", """
            CREATE TABLE {schema}.connection_leases (
                connection_id text COLLATE "C" NOT NULL PRIMARY KEY,
                node_id       text COLLATE "C" NOT NULL,
                epoch         bigint      NOT NULL,
                acquired_at   timestamptz NOT NULL,
                expires_at    timestamptz NOT NULL
            );

            CREATE TABLE {schema}.inbound_frames (
                remote_id  text COLLATE "C" NOT NULL,
                message_id text COLLATE "C" NOT NULL,
                answer     bytea       NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (remote_id, message_id)
            );

            CREATE INDEX inbound_frames_expires_at ON {schema}.inbound_frames (expires_at);

            CREATE TABLE {schema}.inbound_signatures (
                remote_id  text COLLATE "C" NOT NULL,
                signature  text COLLATE "C" NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (remote_id, signature)
            );

            CREATE INDEX inbound_signatures_expires_at ON {schema}.inbound_signatures (expires_at);
            """),
    ];

    /// <summary>Gets the version the newest migration produces.</summary>
    public static int Latest => All[^1].Version;
}
