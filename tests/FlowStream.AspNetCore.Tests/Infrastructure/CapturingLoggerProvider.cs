using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>Records every log entry (and scope) of the loggers it creates, at every level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyCollection<Entry> Entries => _entries.ToArray();

    /// <summary>Gets each entry as one line: category, level, event id, message, state and exception (and each scope opened).</summary>
    public IEnumerable<string> Lines => Entries.Select(e => e.Line);

    /// <summary>Gets the entries at <see cref="LogLevel.Error"/> or above, as lines.</summary>
    public IEnumerable<string> Errors => Entries.Where(e => !e.IsScope && e.Level >= LogLevel.Error).Select(e => e.Line);

    /// <summary>Gets each entry as "{event id} {message}".</summary>
    public IEnumerable<string> Messages => Entries.Where(e => !e.IsScope).Select(e => $"{e.EventId.Id} {e.Message}");

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    internal sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, string Line, bool IsScope);

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            entries.Enqueue(new Entry(category, LogLevel.None, default, $"{state}", $"{category} scope: {state}", IsScope: true));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            entries.Enqueue(new Entry(category, logLevel, eventId, message, $"{category} {logLevel} {eventId}: {message} {state} {exception}", IsScope: false));
        }
    }
}
