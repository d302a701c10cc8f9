namespace SharedChannels.Sync.Internal;

/// <summary>
/// A set of ids that keeps at most <see cref="Capacity"/> of them, forgetting the least recently used first. Thread-safe.
/// Used for what only saves work when remembered (a file the peer has is asked about again, and the peer says so).
/// </summary>
/// <param name="capacity">The most ids kept.</param>
internal sealed class RecentIds(int capacity)
{
    private readonly LinkedList<string> _order = new();
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = new(StringComparer.Ordinal);

    /// <summary>Gets the most ids kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Gets the number of ids kept.</summary>
    public int Count
    {
        get
        {
            lock (_order)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Adds an id (or marks it used), forgetting the least recently used beyond <see cref="Capacity"/>.</summary>
    public void Add(string id)
    {
        lock (_order)
        {
            if (_nodes.TryGetValue(id, out LinkedListNode<string>? node))
            {
                _order.Remove(node);
                _order.AddLast(node);
                return;
            }

            _nodes[id] = _order.AddLast(id);
            while (_order.Count > Capacity && _order.First is { } oldest)
            {
                _order.RemoveFirst();
                _nodes.Remove(oldest.Value);
            }
        }
    }

    /// <summary>Gets whether an id is kept, and marks it used.</summary>
    public bool Contains(string id)
    {
        lock (_order)
        {
            if (!_nodes.TryGetValue(id, out LinkedListNode<string>? node))
            {
                return false;
            }

            _order.Remove(node);
            _order.AddLast(node);
            return true;
        }
    }
}
