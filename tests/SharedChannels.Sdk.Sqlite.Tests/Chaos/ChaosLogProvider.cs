using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SharedChannels.Sqlite.Tests.Chaos;

/// <summary>Keeps the SDK's warnings and errors of a chaos run (the last few hundred), to explain a failure.</summary>
internal sealed class ChaosLogProvider(string workspace) : ILoggerProvider
{
    private const int Capacity = 400;
    private readonly ConcurrentQueue<string> _lines = new();
    private long _count;

    public string Workspace { get; } = workspace;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyCollection<string> Recent => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        Interlocked.Increment(ref _count);
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ChaosLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add($"{owner.Workspace} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
    }
}
