namespace SharedChannels.Coordination;

/// <summary>Receives the signals of an <see cref="IChannelChangeSignals"/>; implemented by the SDK.</summary>
public interface IChannelChangeListener
{
    /// <summary>A channel changed on some node (possibly this one: the SDK ignores its own signals).</summary>
    /// <param name="signal">The change. Called on the listening loop: the SDK returns at once.</param>
    void OnChannelChanged(ChannelChangeSignal signal);

    /// <summary>
    /// Signals may have been missed (the listener has just connected, or reconnected after a failure): every channel may
    /// have changed, and the SDK catches up every connection this node owns from its stored cursors.
    /// </summary>
    void OnSignalsMissed();
}
