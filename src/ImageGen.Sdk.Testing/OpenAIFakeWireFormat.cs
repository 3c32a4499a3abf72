using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ImageGen.Sdk.Testing;

/// <summary>The OpenAI images API: <c>/v1/images/generations</c> (JSON) and <c>/v1/images/edits</c> (multipart).</summary>
internal sealed class OpenAIFakeWireFormat : FakeWireFormat
{
    private const int DefaultSide = 1024;

    /// <inheritdoc />
    public override IReadOnlyList<string> Routes { get; } = ["/v1/images/generations", "/v1/images/edits"];

    /// <inheritdoc />
    public override string? ReadApiKey(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        // Azure OpenAI sends its key this way; the same server can stand in for it.
        string? apiKey = request.Headers["api-key"];
        return string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
    }

    /// <inheritdoc />
    public override async Task<FakeImageAsk> ReadAskAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? size;
        string? count;
        string? format;
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            size = form["size"];
            count = form["n"];
            format = form["response_format"];
        }
        else
        {
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            JsonElement root = document.RootElement;
            size = root.TryGetProperty("size", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            count = root.TryGetProperty("n", out JsonElement n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32().ToString(CultureInfo.InvariantCulture) : null;
            format = root.TryGetProperty("response_format", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }

        (int width, int height) = ParseSize(size);
        int images = int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed > 0 ? parsed : 1;
        return new FakeImageAsk(width, height, images, string.Equals(format, "url", StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public override byte[] WriteSuccess(IReadOnlyList<byte[]> images, IReadOnlyList<string>? urls)
    {
        using MemoryStream body = new();
        using (Utf8JsonWriter json = new(body))
        {
            json.WriteStartObject();
            json.WriteNumber("created", 1_713_833_628);
            json.WriteStartArray("data");
            for (int i = 0; i < images.Count; i++)
            {
                json.WriteStartObject();
                if (urls is not null)
                {
                    json.WriteString("url", urls[i]);
                }
                else
                {
                    json.WriteBase64String("b64_json", images[i]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("usage");
            json.WriteNumber("input_tokens", 10);
            json.WriteNumber("output_tokens", 272 * images.Count);
            json.WriteNumber("total_tokens", 10 + (272 * images.Count));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return body.ToArray();
    }

    /// <inheritdoc />
    public override byte[] WriteError(int statusCode, string? code)
    {
        using MemoryStream body = new();
        using (Utf8JsonWriter json = new(body))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", string.Create(CultureInfo.InvariantCulture, $"fake provider error {statusCode}{(code is null ? string.Empty : " " + code)}"));
            json.WriteString("type", statusCode >= 500 ? "server_error" : "invalid_request_error");
            json.WriteNull("param");
            if (code is null)
            {
                json.WriteNull("code");
            }
            else
            {
                json.WriteString("code", code);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return body.ToArray();
    }

    private static (int Width, int Height) ParseSize(string? size)
    {
        if (size is not null)
        {
            int x = size.IndexOf('x', StringComparison.Ordinal);
            if (x > 0
                && int.TryParse(size.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out int width)
                && int.TryParse(size.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int height)
                && width is > 0 and <= 8192 && height is > 0 and <= 8192)
            {
                return (width, height);
            }
        }

        // "auto" or none: the models' default square.
        return (DefaultSide, DefaultSide);
    }
}
