// The whole suite runs on the real clock against a loopback server; a blocked scenario fails by name after this long
// instead of hanging the run (NUnit marks Timeout obsolete on .NET because it cannot abort the thread; it still fails
// the test on time). The longest scenario, the 1000-request load, is bounded by its own wait well inside it.
#pragma warning disable CS0618
[assembly: Timeout(150_000)]
#pragma warning restore CS0618
[assembly: Category("Reliability")]
