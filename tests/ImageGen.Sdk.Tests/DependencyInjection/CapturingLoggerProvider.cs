using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.DependencyInjection;

/// <summary>Collects every log entry written through the logger factory, for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One log entry: the formatted message, the exception's full text (message, inner exceptions, stack)
    /// and every structured value as text, so assertions (a key leak, say) see all a log sink would.</summary>
    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, string?>> State)
    {
        /// <summary>Gets every text the entry carries: message, exception text and state values.</summary>
        public IEnumerable<string> Texts => [Message, .. Exception is null ? [] : new[] { Exception }, .. State.Select(kv => kv.Value ?? string.Empty)];
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue(new LogEntry(
                category,
                logLevel,
                eventId,
                formatter(state, exception),
                exception?.ToString(),
                state is IEnumerable<KeyValuePair<string, object?>> values
                    ? [.. values.Select(kv => new KeyValuePair<string, string?>(kv.Key, Convert.ToString(kv.Value, CultureInfo.InvariantCulture)))]
                    : []));
    }
}
