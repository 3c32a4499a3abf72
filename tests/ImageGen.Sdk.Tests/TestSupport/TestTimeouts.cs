namespace ImageGen.Sdk.Tests.TestSupport;

/// <summary>The per-test time limit of this assembly (see the assembly attribute in this file).</summary>
/// <remarks>
/// On .NET, NUnit's <see cref="TimeoutAttribute"/> runs each test on a thread of its own and, once the limit passes,
/// reports the test failed by name and goes on with the next one (the blocked thread is abandoned). A test that blocks
/// forever — a synchronous wait on a call driven by a fake clock that nobody advances — therefore fails instead of
/// hanging the run. <c>CancelAfter</c> cannot do this: it only cancels a token the test must observe, and does not
/// apply to an assembly. No test here comes near the limit; on a loaded machine the slowest take a few seconds.
/// </remarks>
public static class TestTimeouts
{
    /// <summary>The limit for one test, in milliseconds.</summary>
    public const int PerTestMilliseconds = 60_000;
}
