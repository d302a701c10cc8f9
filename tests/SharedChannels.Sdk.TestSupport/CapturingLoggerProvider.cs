using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SharedChannels.TestSupport;

/// <summary>
/// Captures every log entry (level, category, event, formatted message, structured values and exception), so tests
/// can check what a failure logs and that no secret is logged.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _entries = new();

    /// <summary>Gets the entries so far, oldest first.</summary>
    public IReadOnlyCollection<LogLine> Entries => _entries;

    /// <summary>Gets each entry as one line of text: level, category, [event id], message, structured values and exception.</summary>
    public IReadOnlyCollection<string> Lines => [.. _entries.Select(e => e.Text)];

    /// <summary>Gets every line, joined by line breaks: what a search for a secret looks through.</summary>
    public string AllText => string.Join('\n', _entries.Select(e => e.Text));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>One log entry.</summary>
    /// <param name="Level">The level.</param>
    /// <param name="Category">The logger's category.</param>
    /// <param name="EventId">The event id.</param>
    /// <param name="Message">The formatted message.</param>
    /// <param name="Exception">The exception logged with it, if any.</param>
    /// <param name="Text">The whole entry as one line, structured values and exception text included.</param>
    public sealed record LogLine(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception, string Text);

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            string structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(';', pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            owner._entries.Enqueue(new LogLine(logLevel, category, eventId, message, exception, $"{logLevel} {category} [{eventId.Id}] {message} {structured} {exception}"));
        }
    }
}
