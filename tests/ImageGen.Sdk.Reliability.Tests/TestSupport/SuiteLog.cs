using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Reliability.Tests.TestSupport;

/// <summary>Every log entry (Trace and up) and every exception message of the whole suite, checked for secrets at the end.</summary>
public sealed class SuiteLog : ILoggerProvider
{
    public static SuiteLog Instance { get; } = new();

    public ConcurrentQueue<string> Entries { get; } = new();

    public ConcurrentQueue<string> ExceptionMessages { get; } = new();

    /// <summary>Keeps an exception's message (and its inner ones) for the secrets check, and returns it.</summary>
    public static T Observe<T>(T exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            Instance.ExceptionMessages.Enqueue(e.Message);
        }

        return exception;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(SuiteLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}
