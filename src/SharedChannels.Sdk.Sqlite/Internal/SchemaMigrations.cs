namespace SharedChannels.Sqlite.Internal;

/// <summary>
/// The schema, as an append-only list of migrations. Never edit a shipped migration: add a new one, so databases
/// created by an older version upgrade in place.
/// </summary>
/// <remarks>
/// Times are Unix milliseconds (UTC) in INTEGER columns. There are deliberately no foreign keys between tables:
/// the store ports accept remotes and cursors independently of channels and connections (as the in-memory stores do),
/// and connections are soft-deleted.
/// </remarks>
internal static class SchemaMigrations
{
    /// <summary>Creates the table that records applied migrations; idempotent, run before reading the version.</summary>
    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER NOT NULL PRIMARY KEY,
            description TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        """;

    /// <summary>Gets every migration, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "Connections, shared channels, shared channel remotes and sync cursors", """
            CREATE TABLE connections (
                remote_id                   TEXT    NOT NULL PRIMARY KEY,
                name                        TEXT    NOT NULL,
                display_name                TEXT    NOT NULL,
                site_url                    TEXT    NULL,
                default_team_id             TEXT    NOT NULL,
                creator_id                  TEXT    NOT NULL,
                created_at                  INTEGER NOT NULL,
                invitation_generated_at     INTEGER NOT NULL,
                is_inviter                  INTEGER NOT NULL,
                invitation_accepted         INTEGER NOT NULL,
                last_ping_at                INTEGER NULL,
                deleted_at                  INTEGER NULL,
                token                       TEXT    NOT NULL,
                remote_token                TEXT    NULL,
                peer_supports_signed_frames INTEGER NOT NULL
            );

            -- A name is unique among connections that are not deleted; a deleted connection's name may be reused.
            CREATE UNIQUE INDEX ux_connections_live_name ON connections (name) WHERE deleted_at IS NULL;
            CREATE INDEX ix_connections_created ON connections (created_at, remote_id);

            CREATE TABLE shared_channels (
                channel_id         TEXT    NOT NULL PRIMARY KEY,
                team_id            TEXT    NOT NULL,
                name               TEXT    NOT NULL,
                display_name       TEXT    NOT NULL,
                type               INTEGER NOT NULL,
                home_connection_id TEXT    NULL,
                read_only          INTEGER NOT NULL,
                creator_id         TEXT    NOT NULL,
                created_at         INTEGER NOT NULL
            );

            CREATE INDEX ix_shared_channels_created ON shared_channels (created_at, channel_id);

            CREATE TABLE shared_channel_remotes (
                channel_id          TEXT    NOT NULL,
                connection_id       TEXT    NOT NULL,
                read_only           INTEGER NOT NULL,
                invitation_accepted INTEGER NOT NULL,
                creator_id          TEXT    NOT NULL,
                created_at          INTEGER NOT NULL,
                PRIMARY KEY (channel_id, connection_id)
            ) WITHOUT ROWID;

            CREATE INDEX ix_shared_channel_remotes_connection ON shared_channel_remotes (connection_id, created_at, channel_id);

            CREATE TABLE sync_cursors (
                channel_id    TEXT    NOT NULL,
                connection_id TEXT    NOT NULL,
                cursor        TEXT    NOT NULL,
                synced_at     INTEGER NOT NULL,
                PRIMARY KEY (channel_id, connection_id)
            ) WITHOUT ROWID;
            """),
    ];

    /// <summary>Gets the version the newest migration produces.</summary>
    public static int Latest => All[^1].Version;
}
