// Compiling a snippet takes well under a second; a blocked test fails by name after this long.
#pragma warning disable CS0618
[assembly: Timeout(60_000)]
#pragma warning restore CS0618
