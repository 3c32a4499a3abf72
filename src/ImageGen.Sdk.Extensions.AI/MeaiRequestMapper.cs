using System.Drawing;
using System.Globalization;
using System.Text.Json;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>Translates requests, options and results between ImageGen.Sdk and Microsoft.Extensions.AI.</summary>
internal static class MeaiRequestMapper
{
    /// <summary>A Microsoft.Extensions.AI request and its options as an ImageGen.Sdk request.</summary>
    /// <exception cref="ArgumentException">The prompt is missing, an input image is not data, or a mapped property has the wrong type.</exception>
    public static ImageGenerationRequest ToImageGen(Meai.ImageGenerationRequest request, Meai.ImageGenerationOptions? options, object rawRepresentationOwner)
    {
        // A caller that knows the stack below may hand over a complete ImageGen.Sdk request; options apply on top.
        ImageGenerationRequest? raw = options?.RawRepresentationFactory?.Invoke((Meai.IImageGenerator)rawRepresentationOwner) as ImageGenerationRequest;
        string prompt = request.Prompt ?? raw?.Prompt ?? throw new ArgumentException("The request has no prompt.", nameof(request));
        ImageGenerationRequest result = raw is null ? new ImageGenerationRequest(prompt) : raw with { Prompt = prompt };

        if (request.OriginalImages is { } originals)
        {
            List<ImageInput> inputs = [.. originals.Select((content, i) => ToInput(content, $"{nameof(request)}.{nameof(request.OriginalImages)}[{i}]"))];
            if (inputs.Count > 0)
            {
                result = result with { InputImages = inputs };
            }
        }

        if (options is null)
        {
            return result;
        }

        if (options.Count is int count)
        {
            result = result with { Count = count };
        }

        if (options.ImageSize is Size size)
        {
            result = result with { Size = new ImageSize(size.Width, size.Height) };
        }

        if (options.ModelId is { } model)
        {
            result = result with { Model = model };
        }

        if (options.MediaType is { } mediaType)
        {
            result = result with { OutputFormat = ToFormat(mediaType) };
        }

        return options.AdditionalProperties is { Count: > 0 } properties ? ApplyProperties(result, properties) : result;
    }

    /// <summary>An ImageGen.Sdk result as a Microsoft.Extensions.AI response: one <c>DataContent</c> per image.</summary>
    public static Meai.ImageGenerationResponse ToResponse(ImageGenerationResult result)
    {
        List<Meai.AIContent> contents = new(result.Images.Count);
        foreach (GeneratedImage image in result.Images)
        {
            Meai.DataContent content = new(image.Data, image.MediaType) { RawRepresentation = image };
            if (image.RevisedPrompt is not null)
            {
                (content.AdditionalProperties ??= [])[MeaiAdditionalProperties.RevisedPrompt] = image.RevisedPrompt;
            }

            if (image.Seed is long seed)
            {
                (content.AdditionalProperties ??= [])[MeaiAdditionalProperties.Seed] = seed;
            }

            contents.Add(content);
        }

        return new Meai.ImageGenerationResponse(contents)
        {
            RawRepresentation = result,
            Usage = result.Usage is { } usage
                ? new Meai.UsageDetails
                {
                    InputTokenCount = usage.InputTokens,
                    InputTextTokenCount = usage.InputTextTokens,
                    OutputTokenCount = usage.OutputTokens,
                    TotalTokenCount = usage.TotalTokens,
                }
                : null,
        };
    }

    /// <summary>An ImageGen.Sdk request as a Microsoft.Extensions.AI request and options (asking for bytes, not URLs).</summary>
    public static (Meai.ImageGenerationRequest Request, Meai.ImageGenerationOptions Options) ToMeai(ImageGenerationRequest request)
    {
        Meai.ImageGenerationOptions options = new()
        {
            Count = request.Count,
            ModelId = request.Model,
            ResponseFormat = Meai.ImageGenerationResponseFormat.Data,
            ImageSize = request.Size is ImageSize size ? new Size(size.Width, size.Height) : null,
            MediaType = request.OutputFormat is ImageFormat format ? ToMediaType(format) : null,
        };

        Meai.AdditionalPropertiesDictionary properties = [];
        Add(properties, MeaiAdditionalProperties.Quality, request.Quality?.Value);
        Add(properties, MeaiAdditionalProperties.Style, request.Style?.Value);
        Add(properties, MeaiAdditionalProperties.Seed, request.Seed);
        Add(properties, MeaiAdditionalProperties.NegativePrompt, request.NegativePrompt);
        Add(properties, MeaiAdditionalProperties.AspectRatio, request.AspectRatio);
        Add(properties, MeaiAdditionalProperties.User, request.User);
        Add(properties, MeaiAdditionalProperties.Mask, request.Mask is { } mask ? new Meai.DataContent(mask.Data, mask.MediaType) { Name = mask.FileName } : null);
        foreach ((string key, JsonElement value) in request.ProviderOptions ?? new Dictionary<string, JsonElement>())
        {
            properties[key] = value;
        }

        if (properties.Count > 0)
        {
            options.AdditionalProperties = properties;
        }

        List<Meai.AIContent>? originals = request.InputImages is { Count: > 0 } inputs
            ? [.. inputs.Select(i => new Meai.DataContent(i.Data, i.MediaType) { Name = i.FileName })]
            : null;
        return (new Meai.ImageGenerationRequest(request.Prompt, originals), options);
    }

    private static ImageGenerationRequest ApplyProperties(ImageGenerationRequest request, Meai.AdditionalPropertiesDictionary properties)
    {
        Dictionary<string, JsonElement>? providerOptions = null;
        foreach ((string key, object? value) in properties)
        {
            if (value is null)
            {
                continue;
            }

            string field = $"AdditionalProperties[\"{key}\"]";
            ImageGenerationRequest? mapped = key.ToUpperInvariant() switch
            {
                "PROVIDER" => request with { Provider = Text(value, field) },
                "QUALITY" => request with { Quality = value is ImageQuality q ? q : new ImageQuality(Text(value, field)) },
                "STYLE" => request with { Style = value is ImageStyle s ? s : new ImageStyle(Text(value, field)) },
                "SEED" => request with { Seed = Integer(value, field) },
                "NEGATIVE_PROMPT" => request with { NegativePrompt = Text(value, field) },
                "ASPECT_RATIO" => request with { AspectRatio = Text(value, field) },
                "USER" => request with { User = Text(value, field) },
                "MASK" => request with { Mask = ToInput(value, field) },
                "CACHE" => request with { Cache = value is CacheMode mode ? mode : ParseCacheMode(Text(value, field), field) },
                "MAX_RETRIES" => request with { MaxRetries = checked((int)Integer(value, field)) },
                "ALLOW_FALLBACK" => request with { AllowFallback = Boolean(value, field) },
                _ => null,
            };

            if (mapped is not null)
            {
                request = mapped;
            }
            else
            {
                (providerOptions ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[key] = ToJson(value, field);
            }
        }

        if (providerOptions is null)
        {
            return request;
        }

        // Options the caller's raw request already carried stay unless overridden here.
        foreach ((string key, JsonElement value) in request.ProviderOptions ?? new Dictionary<string, JsonElement>())
        {
            providerOptions.TryAdd(key, value);
        }

        return request with { ProviderOptions = providerOptions };
    }

    private static ImageInput ToInput(object content, string field) => content switch
    {
        Meai.DataContent data => new ImageInput(data.Data, data.MediaType, data.Name),
        _ => throw new ArgumentException($"{field} must be a DataContent holding the image bytes; {content.GetType().Name} is not supported.", field),
    };

    private static ImageFormat ToFormat(string mediaType)
    {
        // image/png -> png; a subtype the library does not know passes through as its own format value.
        int slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        string subtype = (slash >= 0 ? mediaType[(slash + 1)..] : mediaType).Trim();
        return subtype.Equals("jpg", StringComparison.OrdinalIgnoreCase) ? ImageFormat.Jpeg : new ImageFormat(subtype.ToLowerInvariant());
    }

    private static string ToMediaType(ImageFormat format) => $"image/{(format == "jpg" ? "jpeg" : format.Value.ToLowerInvariant())}";

    private static CacheMode ParseCacheMode(string value, string field)
        => Enum.TryParse(value, ignoreCase: true, out CacheMode mode) && Enum.IsDefined(mode)
            ? mode
            : throw new ArgumentException($"{field} must be Default, Bypass or Refresh; it is '{value}'.", field);

    private static string Text(object value, string field) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
        IFormattable formattable when value is not bool => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? throw new ArgumentException($"{field} must be a string.", field),
    };

    private static long Integer(object value, string field) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        uint u => u,
        JsonElement { ValueKind: JsonValueKind.Number } json when json.TryGetInt64(out long parsed) => parsed,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.String } json when long.TryParse(json.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) => parsed,
        _ => throw new ArgumentException($"{field} must be an integer; it is {value.GetType().Name} '{value}'.", field),
    };

    private static bool Boolean(object value, string field) => value switch
    {
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        string s when bool.TryParse(s, out bool parsed) => parsed,
        _ => throw new ArgumentException($"{field} must be true or false; it is {value.GetType().Name} '{value}'.", field),
    };

    /// <summary>A provider option as JSON: strings, booleans, numbers and JSON values; anything else is a caller mistake.</summary>
    private static JsonElement ToJson(object value, string field) => value switch
    {
        JsonElement json => json.Clone(),
        string s => JsonSerializer.SerializeToElement(s, MeaiBridgeJsonContext.Default.String),
        bool b => JsonSerializer.SerializeToElement(b, MeaiBridgeJsonContext.Default.Boolean),
        long or int or short or byte or uint or ulong or ushort or sbyte => JsonSerializer.SerializeToElement(Convert.ToInt64(value, CultureInfo.InvariantCulture), MeaiBridgeJsonContext.Default.Int64),
        double or float or decimal => JsonSerializer.SerializeToElement(Convert.ToDouble(value, CultureInfo.InvariantCulture), MeaiBridgeJsonContext.Default.Double),
        _ => throw new ArgumentException(
            $"{field} is not a property the bridge maps, so it would be sent as a provider option, which must be a string, a boolean, a number or a JsonElement; it is {value.GetType().Name}.",
            field),
    };

    private static void Add(Meai.AdditionalPropertiesDictionary properties, string key, object? value)
    {
        if (value is not null)
        {
            properties[key] = value;
        }
    }
}
