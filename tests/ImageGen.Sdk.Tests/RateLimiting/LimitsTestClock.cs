using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>Drives a <see cref="ManualTimeProvider"/> for the limits tests without sleeping on the wall clock.</summary>
internal static class LimitsTestClock
{
    /// <summary>Lets continuations run until <paramref name="condition"/> holds (bounded, see <see cref="TestWait"/>).</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what = "condition") => TestWait.UntilAsync(condition, what);

    /// <summary>Lets pending continuations run (a few yields), for code that reacts to a timer.</summary>
    public static Task SettleAsync() => TestWait.SettleAsync();

    /// <summary>Advances the clock in steps until <paramref name="done"/> holds or <paramref name="max"/> passes.</summary>
    public static async Task AdvanceUntilAsync(ManualTimeProvider clock, Func<bool> done, TimeSpan step, TimeSpan max)
    {
        TimeSpan elapsed = TimeSpan.Zero;
        await SettleAsync();
        while (!done() && elapsed < max)
        {
            clock.Advance(step);
            elapsed += step;
            await SettleAsync();
        }

        await WaitUntilAsync(done, "the calls to finish");
    }

    /// <summary>A fake provider that records the fake clock's time of every call.</summary>
    public static FakeImageGenerator RecordingFake(ManualTimeProvider clock, ConcurrentQueue<DateTimeOffset> times)
    {
        FakeImageGenerator fake = new();
        fake.Handler = (request, _) =>
        {
            times.Enqueue(clock.GetUtcNow());
            return Task.FromResult(FakeImageGenerator.CreateResult(request));
        };
        return fake;
    }
}

/// <summary>A logger that keeps formatted messages.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception)));
}
