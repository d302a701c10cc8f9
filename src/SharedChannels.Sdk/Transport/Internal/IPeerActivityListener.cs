namespace SharedChannels.Transport.Internal;

/// <summary>Told when a peer sent an authenticated request: the peer is up, whatever our last send to it said.</summary>
internal interface IPeerActivityListener
{
    /// <summary>Called for every authenticated request; must return at once.</summary>
    void OnPeerActive(string connectionId);
}
