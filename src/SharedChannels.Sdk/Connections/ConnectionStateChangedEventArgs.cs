namespace SharedChannels.Connections;

/// <summary>Data of <see cref="ConnectionMonitor.StateChanged"/>.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="connection">The connection after the change.</param>
    /// <param name="previousState">The state before the change.</param>
    public ConnectionStateChangedEventArgs(RemoteConnection connection, ConnectionState previousState)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        PreviousState = previousState;
    }

    /// <summary>Gets the connection after the change; its <see cref="RemoteConnection.State"/> is the new state.</summary>
    public RemoteConnection Connection { get; }

    /// <summary>Gets the state before the change.</summary>
    public ConnectionState PreviousState { get; }
}
