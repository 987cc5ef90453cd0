namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Client sessions (<c>session_id</c>), as ClickHouse's HTTP interface keeps them: each holds a
/// chDB connection of its own, so temporary tables, <c>USE</c> and <c>SET</c> last from one request
/// to the next, until <c>session_timeout</c> seconds (60 by default, 3600 at most) pass without a
/// request. One request at a time per session (code 373 otherwise); <c>session_check=1</c> asks
/// for an existing session (code 372 when there is none). Sessions belong to the user that
/// opened them, and their number is bounded.
/// </summary>
internal sealed class ClickHouseSessions : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(3600);

    private readonly ChDbConnectionPool _pool;
    private readonly int _maxSessions;
    private readonly Lock _sessionsLock = new();
    private readonly Dictionary<(string User, string Id), Session> _sessions = [];
    private readonly Timer _sweeper;
    private bool _disposed;

    public ClickHouseSessions(ChDbConnectionPool pool, int maxSessions)
    {
        this._pool = pool;
        this._maxSessions = maxSessions;
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public int Count
    {
        get
        {
            lock (_sessionsLock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>The session's connection for one request; dispose it to end the request (the session stays).</summary>
    public (IChDbLease? Lease, ClickHouseError? Error) Acquire(string user, string id, TimeSpan timeout, bool mustExist)
    {
        Sweep();
        Session? session;
        lock (_sessionsLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.TryGetValue((user, id), out session))
            {
                if (session.Busy)
                {
                    return (null, new ClickHouseError(ClickHouseError.SessionIsLocked,
                        $"Session {id} is locked by a concurrent client: send one request at a time per session_id. (SESSION_IS_LOCKED)"));
                }

                session.Busy = true;
                session.Timeout = timeout;
                return (session, null);
            }

            if (mustExist)
            {
                return (null, new ClickHouseError(ClickHouseError.SessionNotFound,
                    $"Session {id} not found (it expired or was never opened): open it by sending session_id without session_check. (SESSION_NOT_FOUND)"));
            }

            if (_sessions.Count >= _maxSessions)
            {
                return (null, new ClickHouseError(ClickHouseError.TooManySessions,
                    $"Too many sessions ({_maxSessions}) are open: close idle ones (they expire after session_timeout) or send requests without session_id. (TOO_MANY_SIMULTANEOUS_QUERIES)"));
            }

            session = new Session(this, (user, id), _pool.OpenDedicated()) { Busy = true, Timeout = timeout };
            _sessions.Add((user, id), session);
            return (session, null);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        lock (_sessionsLock)
        {
            _disposed = true;
            foreach (var session in _sessions.Values)
            {
                session.Connection.Dispose();
            }

            _sessions.Clear();
        }
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        List<Session> expired = [];
        lock (_sessionsLock)
        {
            foreach (var session in _sessions.Values)
            {
                if (!session.Busy && now - session.LastUsed > (long)session.Timeout.TotalMilliseconds)
                {
                    expired.Add(session);
                }
            }

            foreach (var session in expired)
            {
                _sessions.Remove(session.Key);
            }
        }

        expired.ForEach(session => session.Connection.Dispose());
    }

    private void Release(Session session)
    {
        lock (_sessionsLock)
        {
            session.Busy = false;
            session.LastUsed = Environment.TickCount64;
        }
    }

    private sealed class Session(ClickHouseSessions owner, (string User, string Id) key, ChDbConnection connection) : IChDbLease
    {
        public (string User, string Id) Key { get; } = key;

        public ChDbConnection Connection { get; } = connection;

        public bool IsClientSession => true;

        public bool Busy { get; set; }

        public TimeSpan Timeout { get; set; }

        public long LastUsed { get; set; } = Environment.TickCount64;

        public void Discard()
        {
            // A session's state is meant to change.
        }

        public void Keep()
        {
        }

        public void Dispose() => owner.Release(this);
    }
}
