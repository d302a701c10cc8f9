namespace SharedChannels.PostgreSql.Internal;

/// <summary>One numbered step of the schema. Applied once, in the migration transaction, in version order.</summary>
/// <param name="Version">The schema version the step produces (1, 2, …).</param>
/// <param name="Description">What the step does, recorded in <c>schema_version</c>.</param>
/// <param name="Sql">The statements of the step; <c>{schema}</c> stands for the quoted schema name.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
