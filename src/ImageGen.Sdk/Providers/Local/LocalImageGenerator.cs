using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ImageGen.Sdk.Providers.Local;

/// <summary>
/// An offline <see cref="IImageGenerator"/> that draws abstract placeholder PNGs (gradients, bands, discs) whose
/// composition and colours derive from a SHA-256 hash of the request: the same request always yields the same
/// bytes (the same pixels on every platform), and different prompts or seeds yield visibly different images.
/// </summary>
/// <remarks>
/// <para>
/// It needs no network, no key and no dependency, which makes it the zero-configuration default of
/// <c>AddImageGeneration()</c> and a realistic stand-in for a real provider in tests: results carry real PNG bytes,
/// sizes, seeds and a zero cost.
/// </para>
/// <para>
/// The hash covers the prompt, negative prompt, style, quality and seed. Without <see cref="ImageGenerationRequest.Seed"/>
/// a seed between 0 and <see cref="uint.MaxValue"/> is derived from the other inputs; image <c>i</c> of a request is
/// drawn with seed <c>seed + i</c> and reports it in <see cref="GeneratedImage.Seed"/>, so any single image can be
/// reproduced with <c>Seed = image.Seed, Count = 1</c>. The size does not enter the hash: the same request at
/// another size draws the same composition.
/// </para>
/// <para>Rendering is CPU work on the calling thread (under 100 ms for 1024x1024). Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class LocalImageGenerator : IImageGenerator
{
    /// <summary>The side of the square image drawn when a request names neither a size nor an aspect ratio.</summary>
    public const int DefaultSide = 1024;

    /// <summary>The warning added when a request asks for an encoding other than PNG.</summary>
    public const string PngOnlyWarning = "Local provider renders PNG only";

    private const string HashDomain = "ImageGen.Sdk/Local/v1";
    private const int SizeGranularity = 8;

    private readonly string _providerName;
    private readonly string _defaultModel;
    private readonly long _maxPixels;
    private readonly TimeProvider _timeProvider;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Values are copied.</param>
    /// <param name="timeProvider">Measures <see cref="ImageGenerationResult.Elapsed"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The provider name or default model is blank, or <see cref="LocalImageGeneratorOptions.MaxPixels"/> is not positive.</exception>
    public LocalImageGenerator(LocalImageGeneratorOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new LocalImageGeneratorOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ProviderName, $"{nameof(options)}.{nameof(options.ProviderName)}");
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DefaultModel, $"{nameof(options)}.{nameof(options.DefaultModel)}");
        if (options.MaxPixels <= 0)
        {
            throw new ArgumentException("MaxPixels must be positive.", $"{nameof(options)}.{nameof(options.MaxPixels)}");
        }

        _providerName = options.ProviderName;
        _defaultModel = options.DefaultModel;
        _maxPixels = options.MaxPixels;
        _timeProvider = timeProvider ?? TimeProvider.System;
        List<ImageModelCapabilities> models = [DescribeModel(LocalImageGeneratorOptions.LocalPngModel, _maxPixels)];
        if (!string.Equals(_defaultModel, LocalImageGeneratorOptions.LocalPngModel, StringComparison.OrdinalIgnoreCase))
        {
            models.Add(DescribeModel(_defaultModel, _maxPixels));
        }

        _metadata = new ImageGeneratorMetadata(_providerName, "Local", _defaultModel, models);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The prompt is blank, <see cref="ImageGenerationRequest.Count"/> is outside 1..10, the aspect ratio is not <c>W:H</c>,
    /// or the image would exceed <see cref="LocalImageGeneratorOptions.MaxPixels"/>.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between bands of rows).</exception>
    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Prompt, $"{nameof(request)}.{nameof(request.Prompt)}");
        if (request.Count is < 1 or > Validation.ValidatingImageGenerator.MaxCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Count must be between 1 and {Validation.ValidatingImageGenerator.MaxCount}; it was {request.Count}."),
                $"{nameof(request)}.{nameof(request.Count)}");
        }

        ImageSize size = ResolveSize(request);
        if (size.Pixels > _maxPixels)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Size {size} is {size.Pixels} pixels; the Local provider '{_providerName}' draws at most {_maxPixels}."),
                $"{nameof(request)}.{nameof(request.Size)}");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ImageGenerationResult>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Generate(request, size, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ImageGenerationResult>(cancellationToken);
        }
    }

    /// <summary>Describes what the Local provider accepts, for validation and count splitting.</summary>
    /// <param name="model">The model name to describe.</param>
    /// <param name="maxPixels">The largest image accepted, in pixels.</param>
    /// <returns>The capabilities: any size up to <paramref name="maxPixels"/>, up to 10 images per call.</returns>
    internal static ImageModelCapabilities DescribeModel(string model, long maxPixels) => new(model)
    {
        CustomSizeRule = size => size.Pixels <= maxPixels,
        CustomSizeRuleDescription = string.Create(CultureInfo.InvariantCulture, $"any size up to {maxPixels} pixels"),
        DefaultSize = new ImageSize(DefaultSide, DefaultSide),
        MaxImagesPerCall = Validation.ValidatingImageGenerator.MaxCount,
        SupportsStyle = true,
        SupportsNegativePrompt = true,
        SupportsSeed = true,
    };

    private ImageGenerationResult Generate(ImageGenerationRequest request, ImageSize size, CancellationToken cancellationToken)
    {
        long started = _timeProvider.GetTimestamp();
        long baseSeed = request.Seed ?? DeriveSeed(request);
        GeneratedImage[] images = new GeneratedImage[request.Count];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        for (int i = 0; i < images.Length; i++)
        {
            // Each image has its own seed, so the images of one request differ and each can be reproduced alone.
            long seed = unchecked(baseSeed + i);
            ComputeHash(request, seed, hash);
            LocalImageScene scene = new(hash, size.Width, size.Height);

            // Measured at 1024x1024: Fastest ~70 ms and ~400 KB per image, Optimal ~160 ms and ~160 KB. Placeholders
            // serve tests and offline runs, where speed matters more than size.
            byte[] png = PngEncoder.Encode(size.Width, size.Height, scene.RenderRow, CompressionLevel.Fastest, cancellationToken);
            images[i] = new GeneratedImage(png, ImageMediaTypes.Png) { Width = size.Width, Height = size.Height, Seed = seed };
        }

        List<string> warnings = [];
        if (request.OutputFormat is { } format && format != ImageFormat.Png)
        {
            warnings.Add($"{PngOnlyWarning}; OutputFormat '{format}' was ignored.");
        }

        if (request.InputImages is { Count: > 0 } || request.Mask is not null)
        {
            warnings.Add("Local provider does not edit images; InputImages and Mask were ignored.");
        }

        return new ImageGenerationResult(images, _providerName, request.Model ?? _defaultModel)
        {
            EstimatedCostUsd = 0m,
            Elapsed = _timeProvider.GetElapsedTime(started),
            Warnings = warnings,
        };
    }

    private static ImageSize ResolveSize(ImageGenerationRequest request)
    {
        if (request.Size is { } size)
        {
            return size;
        }

        if (request.AspectRatio is null)
        {
            return new ImageSize(DefaultSide, DefaultSide);
        }

        ReadOnlySpan<char> ratio = request.AspectRatio.AsSpan().Trim();
        int colon = ratio.IndexOf(':');
        if (colon <= 0
            || !int.TryParse(ratio[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w <= 0
            || !int.TryParse(ratio[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h <= 0)
        {
            throw new ArgumentException($"AspectRatio '{request.AspectRatio}' is not of the form W:H, for example 16:9.", $"{nameof(request)}.{nameof(request.AspectRatio)}");
        }

        // The long edge is DefaultSide; the short edge is rounded to a multiple of 8 (what most models accept), at least 8.
        int shortEdge = (int)Math.Max(SizeGranularity, Math.Round((double)DefaultSide * Math.Min(w, h) / Math.Max(w, h) / SizeGranularity, MidpointRounding.AwayFromZero) * SizeGranularity);
        return w >= h ? new ImageSize(DefaultSide, shortEdge) : new ImageSize(shortEdge, DefaultSide);
    }

    /// <summary>A seed in 0..<see cref="uint.MaxValue"/> (the range most seeded providers accept) from every input but the seed.</summary>
    private static long DeriveSeed(ImageGenerationRequest request)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(request, seed: null, hash);
        return BinaryPrimitives.ReadUInt32LittleEndian(hash);
    }

    private static void ComputeHash(ImageGenerationRequest request, long? seed, Span<byte> destination)
    {
        using IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(sha, HashDomain);
        AppendText(sha, request.Prompt);
        AppendText(sha, request.NegativePrompt);
        AppendText(sha, request.Style?.Value.ToUpperInvariant());
        AppendText(sha, request.Quality?.Value.ToUpperInvariant());
        Span<byte> seedBytes = stackalloc byte[9];
        seedBytes[0] = seed is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(seedBytes[1..], seed ?? 0);
        sha.AppendData(seedBytes);
        sha.GetHashAndReset(destination);
    }

    /// <summary>Appends a length-prefixed field, so ("ab", "c") and ("a", "bc") never hash alike; null differs from empty.</summary>
    private static void AppendText(IncrementalHash sha, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, -1);
            sha.AppendData(length);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ImageGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}
