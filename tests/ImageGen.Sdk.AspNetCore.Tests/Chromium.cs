using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>A headless chromium started on a URL, with its first page reachable over the DevTools protocol.</summary>
internal sealed partial class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;

    private Chromium(Process process, string profile, Uri devTools)
    {
        _process = process;
        _profile = profile;
        DevTools = devTools;
    }

    /// <summary>Gets the DevTools HTTP endpoint (<c>http://127.0.0.1:port</c>).</summary>
    public Uri DevTools { get; }

    /// <summary>Finds chromium on the PATH (Debian's <c>chromium</c>, or Chrome), or <see langword="null"/>.</summary>
    public static string? Find()
    {
        string[] names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return names.SelectMany(name => folders.Select(folder => Path.Combine(folder, name))).FirstOrDefault(File.Exists);
    }

    public static async Task<Chromium> StartAsync(string executable, Uri url, CancellationToken ct)
    {
        string profile = Directory.CreateTempSubdirectory("imagegen-chromium-").FullName;
        ProcessStartInfo start = new(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI containers run as root, where chromium's sandbox cannot start.
        foreach (string argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--window-size=900,900", $"--user-data-dir={profile}", url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && DevToolsLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri($"http://127.0.0.1:{match.Groups[1].Value}"));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(_ => listening.TrySetException(new InvalidOperationException($"chromium exited with {process.ExitCode} before DevTools listened.")), TaskScheduler.Default);
        try
        {
            return new Chromium(process, profile, await listening.Task.WaitAsync(ct));
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    /// <summary>Connects to the first page target (the tab opened on the start URL).</summary>
    public async Task<DevToolsSession> ConnectToPageAsync(CancellationToken ct)
    {
        using HttpClient http = new() { BaseAddress = DevTools };
        while (true)
        {
            JsonElement targets = await http.GetFromJsonAsync<JsonElement>("/json/list", ct);
            foreach (JsonElement target in targets.EnumerateArray())
            {
                if (target.GetProperty("type").GetString() == "page" && target.TryGetProperty("webSocketDebuggerUrl", out JsonElement socket))
                {
                    return await DevToolsSession.ConnectAsync(new Uri(socket.GetString()!), ct);
                }
            }

            // The tab appears shortly after the endpoint does.
            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_process, _profile);
        await Task.CompletedTask;
    }

    private static void Stop(Process process, string profile)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A crash reporter may still hold a file; the temp folder is cleaned eventually.
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://[^:]+:(\d+)/")]
    private static partial Regex DevToolsLine();
}
