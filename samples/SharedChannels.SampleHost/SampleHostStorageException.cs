namespace SharedChannels.Samples;

/// <summary>
/// The sample host cannot start because its data folder (<see cref="SampleHostOptions.DataDirectory"/>) cannot be
/// created or written, or a database in it cannot be opened. <c>Program.cs</c> prints the message and exits with code 2.
/// </summary>
public sealed class SampleHostStorageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SampleHostStorageException"/> class.</summary>
    /// <param name="dataDirectory">The full path of the data folder.</param>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The failure of the file system or of SQLite.</param>
    public SampleHostStorageException(string dataDirectory, string message, Exception innerException)
        : base(message, innerException)
    {
        DataDirectory = dataDirectory;
    }

    /// <summary>Gets the full path of the data folder.</summary>
    public string DataDirectory { get; }
}
