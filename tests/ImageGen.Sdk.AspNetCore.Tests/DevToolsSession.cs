using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>A minimal Chrome DevTools protocol client: send a command, await its answer; events are ignored.</summary>
internal sealed class DevToolsSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _nextId;

    private DevToolsSession(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static async Task<DevToolsSession> ConnectAsync(Uri url, CancellationToken ct)
    {
        ClientWebSocket socket = new();
        await socket.ConnectAsync(url, ct);
        return new DevToolsSession(socket);
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error throws.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, CancellationToken ct)
    {
        int id = Interlocked.Increment(ref _nextId);
        TaskCompletionSource<JsonElement> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        byte[] message = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] }.ToJsonString());
        await _sendLock.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sendLock.Release();
        }

        return await answer.Task.WaitAsync(ct);
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting it when it is a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken ct)
    {
        JsonElement result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["awaitPromise"] = true,
            ["returnByValue"] = true,
        }, ct);
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
        {
            throw new InvalidOperationException($"The page threw: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out JsonElement value) ? value.Clone() : default;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // The browser may already be gone.
        }

        try
        {
            await _reader;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        using MemoryStream message = new();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult received = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            using (JsonDocument document = JsonDocument.Parse(message.ToArray()))
            {
                JsonElement root = document.RootElement;
                if (root.TryGetProperty("id", out JsonElement id) && _pending.TryRemove(id.GetInt32(), out TaskCompletionSource<JsonElement>? answer))
                {
                    if (root.TryGetProperty("error", out JsonElement error))
                    {
                        answer.TrySetException(new InvalidOperationException($"DevTools error: {error}"));
                    }
                    else
                    {
                        answer.TrySetResult(root.GetProperty("result").Clone());
                    }
                }
            }

            message.SetLength(0);
        }

        foreach (TaskCompletionSource<JsonElement> answer in _pending.Values)
        {
            answer.TrySetException(new WebSocketException("The DevTools connection closed."));
        }
    }
}
