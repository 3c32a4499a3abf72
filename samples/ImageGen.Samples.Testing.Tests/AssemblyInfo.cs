// A blocked test fails by name after this long instead of hanging the run.
#pragma warning disable CS0618
[assembly: Timeout(60_000)]
#pragma warning restore CS0618
