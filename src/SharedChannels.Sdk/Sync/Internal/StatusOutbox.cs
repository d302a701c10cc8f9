using System.Collections.Concurrent;
using SharedChannels.Identity;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// The user statuses waiting to go to each connection, in memory (a status lost to a restart is replaced by the next).
/// Only the latest status of a user is kept, and at most <see cref="MaxPerConnection"/> users per connection (the
/// oldest give way), so a connection that stays offline does not make the queue grow without bound.
/// </summary>
internal sealed class StatusOutbox
{
    /// <summary>The most statuses sent with one sync message.</summary>
    public const int MaxPerMessage = 100;

    /// <summary>The most statuses kept for one connection.</summary>
    public const int MaxPerConnection = 1000;

    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);

    /// <summary>Gets the number of connections that have a queue (for tests).</summary>
    internal int ConnectionCount => _queues.Count;

    /// <summary>Queues a status for a connection, replacing any older status of the same user still queued.</summary>
    public void Add(string connectionId, UserStatus status) => _queues.GetOrAdd(connectionId, _ => new Queue()).Add(status);

    /// <summary>Takes up to <see cref="MaxPerMessage"/> statuses, oldest first, for the next message to a connection.</summary>
    public List<UserStatus> Take(string connectionId) =>
        _queues.TryGetValue(connectionId, out Queue? queue) ? queue.Take(MaxPerMessage) : [];

    /// <summary>Puts back statuses that were taken but not sent; a newer status of the same user queued meanwhile wins.</summary>
    public void Return(string connectionId, List<UserStatus> statuses)
    {
        if (statuses.Count > 0)
        {
            _queues.GetOrAdd(connectionId, _ => new Queue()).Return(statuses);
        }
    }

    /// <summary>Drops everything queued for a connection (its worker stopped).</summary>
    public void Forget(string connectionId) => _queues.TryRemove(connectionId, out _);

    /// <summary>Gets the statuses queued for a connection, oldest first (for tests).</summary>
    internal IReadOnlyList<UserStatus> Peek(string connectionId) =>
        _queues.TryGetValue(connectionId, out Queue? queue) ? queue.Snapshot() : [];

    /// <summary>One connection's statuses: oldest first, one per user.</summary>
    private sealed class Queue
    {
        private readonly LinkedList<UserStatus> _order = new();
        private readonly Dictionary<string, LinkedListNode<UserStatus>> _byUser = new(StringComparer.Ordinal);

        public void Add(UserStatus status)
        {
            lock (_order)
            {
                if (_byUser.Remove(status.UserId, out LinkedListNode<UserStatus>? older))
                {
                    _order.Remove(older);
                }

                _byUser[status.UserId] = _order.AddLast(status);
                Trim();
            }
        }

        public List<UserStatus> Take(int max)
        {
            var taken = new List<UserStatus>();
            lock (_order)
            {
                while (taken.Count < max && _order.First is { } first)
                {
                    _order.RemoveFirst();
                    _byUser.Remove(first.Value.UserId);
                    taken.Add(first.Value);
                }
            }

            return taken;
        }

        public void Return(List<UserStatus> statuses)
        {
            lock (_order)
            {
                // Back in front, in their order, unless the user has a newer status queued.
                for (int i = statuses.Count - 1; i >= 0; i--)
                {
                    UserStatus status = statuses[i];
                    if (!_byUser.ContainsKey(status.UserId))
                    {
                        _byUser[status.UserId] = _order.AddFirst(status);
                    }
                }

                Trim();
            }
        }

        public List<UserStatus> Snapshot()
        {
            lock (_order)
            {
                return [.. _order];
            }
        }

        private void Trim()
        {
            while (_order.Count > MaxPerConnection && _order.First is { } oldest)
            {
                _order.RemoveFirst();
                _byUser.Remove(oldest.Value.UserId);
            }
        }
    }
}
