// A host starts in well under a second and the browser test bounds its own waits; a blocked test fails by name
// after this long (NUnit's Timeout is obsolete on .NET, but it is the per-test bound the other suites use too).
#pragma warning disable CS0618
[assembly: Timeout(120_000)]
#pragma warning restore CS0618
