// A hung call fails its test instead of the run. NUnit marks Timeout obsolete on .NET because it cannot abort a
// thread; it still fails the test on time, which is all it is here for.
#pragma warning disable CS0618
[assembly: Timeout(60_000)]
#pragma warning restore CS0618
