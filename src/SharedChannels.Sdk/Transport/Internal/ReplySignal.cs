namespace SharedChannels.Transport.Internal;

/// <summary>
/// Tells when the answer to an inbound frame has been written to the peer (<see cref="RemoteResponse.MarkSent"/>), or
/// the frame was refused or failed. What waits for it runs inline, on the caller of <see cref="MarkSent"/>, so it is
/// under way before that call returns: keep it short.
/// </summary>
internal sealed class ReplySignal
{
    private readonly object _gate = new();
    private List<Action>? _waiting = [];

    /// <summary>Runs <paramref name="action"/> once the answer is written (at once if it already is).</summary>
    public void OnSent(Action action)
    {
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Add(action);
                return;
            }
        }

        action();
    }

    public void MarkSent()
    {
        List<Action>? waiting;
        lock (_gate)
        {
            waiting = _waiting;
            _waiting = null;
        }

        foreach (Action action in waiting ?? [])
        {
            action();
        }
    }
}
