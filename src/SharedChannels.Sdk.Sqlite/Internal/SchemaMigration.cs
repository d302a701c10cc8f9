namespace SharedChannels.Sqlite.Internal;

/// <summary>One numbered step of the schema. Applied once, in a transaction, in version order.</summary>
/// <param name="Version">The schema version the step produces (1, 2, …).</param>
/// <param name="Description">What the step does, recorded in <c>schema_version</c>.</param>
/// <param name="Sql">The statements of the step.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
