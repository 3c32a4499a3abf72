using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>Drives a <see cref="ManualTimeProvider"/> for the limits tests without sleeping on the wall clock.</summary>
internal static class LimitsTestClock
{
    /// <summary>Lets continuations run until <paramref name="condition"/> holds (bounded, see <see cref="TestWait"/>).</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what = "condition") => TestWait.UntilAsync(condition, what);

    /// <summary>
    /// Waits until the code under test has at least <paramref name="count"/> timers armed on <paramref name="clock"/>:
    /// the positive sign that a call is held by a wait on the fake clock. "Not completed yet" alone proves nothing,
    /// since it also holds for a call that has simply not run yet on a loaded machine.
    /// </summary>
    public static Task WaitUntilTimersAsync(ManualTimeProvider clock, int count, string what)
        => WaitUntilAsync(() => clock.ActiveTimerCount >= count, what);

    /// <summary>Lets pending continuations run (a few yields), for code that reacts to a timer.</summary>
    public static Task SettleAsync() => TestWait.SettleAsync();

    /// <summary>Advances the clock in steps until <paramref name="done"/> holds or <paramref name="max"/> passes.</summary>
    /// <remarks>
    /// With <paramref name="parked"/>, each step waits first until no caller is between two limiters or between its
    /// permit and the provider: a caller granted by a timer runs on the thread pool, and moving the clock while it is
    /// there makes it read a later time than the one its permit was granted at.
    /// </remarks>
    public static async Task AdvanceUntilAsync(ManualTimeProvider clock, Func<bool> done, TimeSpan step, TimeSpan max, ParkedCallers? parked = null)
    {
        TimeSpan elapsed = TimeSpan.Zero;
        await SettleAsync();
        while (!done() && elapsed < max)
        {
            if (parked is not null)
            {
                await TestWait.UntilAsync(() => done() || parked.AllParked(), () => $"Timed out waiting for every caller to wait at a limiter or to have reached the provider: {parked}.");
            }

            clock.Advance(step);
            elapsed += step;
            await SettleAsync();
        }

        await WaitUntilAsync(done, "the calls to finish");
    }

    /// <summary>Watches <paramref name="callers"/> callers going through <paramref name="stages"/>; see <see cref="ParkedCallers"/>.</summary>
    public static ParkedCallers Parked(int callers, Func<int> reached, params RateLimiter[] stages) => new(callers, reached, stages);

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

/// <summary>
/// For callers that are never refused (no <c>MaxWait</c>, no queue limit): tells when every one of a number of callers either waits in the queue of one of the stages (the limiters in the
/// order a call takes them) or has been counted by the provider: then nobody is running, and only the clock can move
/// things on.
/// </summary>
/// <remarks>
/// Reads the provider's count and the limiters' statistics twice and accepts only two equal readings. Every move
/// changes them: a grant or a refusal adds to a total that never goes down, and with those totals unchanged a queue
/// can only grow, so two equal readings are one consistent picture and a caller moving from one queue to the next
/// between two reads is never counted twice.
/// </remarks>
internal sealed class ParkedCallers(int callers, Func<int> reached, RateLimiter[] stages)
{
    /// <summary>Whether every caller waits at a limiter or has reached the provider.</summary>
    public bool AllParked()
    {
        long[] first = Read();
        if (!first.AsSpan().SequenceEqual(Read()))
        {
            return false;
        }

        // Totals of grants and refusals are not departures (a caller tries for a free permit before it queues, and a
        // chain gives back the permits of a try it cannot complete); the queues and the provider's count are exact.
        long parked = first[0];
        for (int i = 0; i < stages.Length; i++)
        {
            parked += first[(3 * i) + 3];
        }

        return parked == callers;
    }

    public override string ToString()
    {
        long[] values = Read();
        return $"{callers} callers, {values[0]} reached the provider; "
            + string.Join("; ", Enumerable.Range(0, stages.Length).Select(i => $"stage {i}: {values[(3 * i) + 1]} granted, {values[(3 * i) + 2]} refused, {values[(3 * i) + 3]} queued"));
    }

    private long[] Read()
    {
        long[] values = new long[(3 * stages.Length) + 1];
        values[0] = reached();
        for (int i = 0; i < stages.Length; i++)
        {
            RateLimiterStatistics statistics = stages[i].GetStatistics() ?? throw new InvalidOperationException("a limiter without statistics");
            values[(3 * i) + 1] = statistics.TotalSuccessfulLeases;
            values[(3 * i) + 2] = statistics.TotalFailedLeases;
            values[(3 * i) + 3] = statistics.CurrentQueuedCount;
        }

        return values;
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
