using ImageGen.Sdk.Tests.TestSupport;

// NUnit marks Timeout obsolete on .NET because it cannot abort a thread; it still fails the test on time, which is
// all it is here for (see TestTimeouts).
#pragma warning disable CS0618
[assembly: Timeout(TestTimeouts.PerTestMilliseconds)]
#pragma warning restore CS0618
