using System.Diagnostics;

namespace ImageGen.Sdk.Tests.TestSupport;

/// <summary>
/// Waits for work the code under test does on other threads (continuations, fake-clock timers that already fired),
/// without moving fake time. Returns as soon as the condition holds, so a passing test stays fast; the generous
/// wall-clock ceiling only bounds a real hang, and leaves room for a loaded, shared CI machine.
/// </summary>
public static class TestWait
{
    /// <summary>How long a condition may take before the test fails.</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <see cref="Ceiling"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what = "condition")
        => UntilAsync(condition, () => $"Timed out waiting for {what}.");

    /// <summary>Waits until <paramref name="condition"/> holds, failing with the message <paramref name="describe"/> gives after <see cref="Ceiling"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> describe)
    {
        Stopwatch elapsed = Stopwatch.StartNew();
        for (int i = 0; !condition(); i++)
        {
            if (elapsed.Elapsed > Ceiling)
            {
                Assert.That(condition(), Is.True, describe());
                return;
            }

            // Mostly yields, so continuations queued behind this one run; now and then a short real delay, so a busy
            // thread pool gets to the work the condition waits for.
            if (i % 50 == 49)
            {
                await Task.Delay(1);
            }
            else
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Lets pending continuations run (a few yields and a short delay), for code that reacts to a timer.</summary>
    public static async Task SettleAsync()
    {
        for (int i = 0; i < 20; i++)
        {
            await Task.Yield();
        }

        await Task.Delay(1);
    }
}
