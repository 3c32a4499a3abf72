using System.Globalization;
using ImageGen.Sdk.Providers.Local;

namespace ImageGen.Sdk.Tests.Providers.Local;

public class LocalImageGeneratorTests
{
    private static readonly ImageSize Small = new(64, 48);

    [Test]
    public async Task Default_request_is_a_valid_1024x1024_rgb_png_whose_idat_inflates_to_every_scanline()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("a red backpack on a white background"));

        GeneratedImage image = result.Images.Single();
        PngFile png = PngFile.Parse(image.Data.Span);
        Assert.Multiple(() =>
        {
            Assert.That((png.Width, png.Height), Is.EqualTo((1024, 1024)));
            Assert.That(png.BitDepth, Is.EqualTo(8));
            Assert.That(png.ColourType, Is.EqualTo(2), "truecolour RGB");
            Assert.That((png.CompressionMethod, png.FilterMethod, png.Interlace), Is.EqualTo(((byte)0, (byte)0, (byte)0)));
            Assert.That(png.Chunks.Select(c => c.Type), Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
            Assert.That(png.Inflate(), Has.Length.EqualTo(1024 * (1 + (1024 * 3))));
            Assert.That((image.Width, image.Height), Is.EqualTo(((int?)1024, (int?)1024)));
            Assert.That(image.MediaType, Is.EqualTo(ImageMediaTypes.Png));
            Assert.That(ImageMediaTypes.Detect(image.Data.Span), Is.EqualTo(ImageMediaTypes.Png));
        });
    }

    [TestCase(1, 1)]
    [TestCase(33, 17)]
    [TestCase(17, 33)]
    [TestCase(300, 7)]
    public async Task Odd_sizes_encode_valid_pngs(int width, int height)
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("odd") { Size = new ImageSize(width, height) });

        PngFile png = PngFile.Parse(result.Images[0].Data.Span);
        Assert.That((png.Width, png.Height), Is.EqualTo((width, height)));
        Assert.That(png.Inflate(), Has.Length.EqualTo(height * (1 + (width * 3))));
        Assert.That(png.DecodePixels(), Has.Length.EqualTo(height * width * 3));
    }

    [Test]
    public void Internal_crc32_matches_the_standard_check_value_and_the_independent_bitwise_crc()
    {
        Assert.That(PngFile.BitwiseCrc32("123456789"u8), Is.EqualTo(0xCBF43926u), "the test's own CRC");
        Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31)).ToArray();
        Assert.That(Crc32.Compute(data), Is.EqualTo(PngFile.BitwiseCrc32(data)));
    }

    [Test]
    public async Task Same_request_gives_the_same_bytes_from_separate_instances()
    {
        ImageGenerationRequest request = new("a lighthouse at dusk") { Size = Small, NegativePrompt = "text", Style = ImageStyle.Vivid, Quality = ImageQuality.High };

        ImageGenerationResult first = await new LocalImageGenerator().GenerateAsync(request);
        ImageGenerationResult second = await new LocalImageGenerator().GenerateAsync(request with { });

        Assert.That(second.Images[0].Data.ToArray(), Is.EqualTo(first.Images[0].Data.ToArray()));
        Assert.That(second.Images[0].Seed, Is.EqualTo(first.Images[0].Seed));
    }

    [Test]
    public async Task Pixels_of_a_known_request_match_the_recorded_v1_drawing()
    {
        // Stored snapshots of Local output rely on the drawing not changing silently; if this fails on purpose, bump
        // the hash domain version, update this value and say so in the CHANGELOG.
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("golden") { Size = Small, Seed = 1 });

        byte[] pixels = PngFile.Parse(result.Images[0].Data.Span).DecodePixels();

        Assert.That(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(pixels)), Is.EqualTo("837997A604C8E2B042737D0C98537E4CFAC283AE71AF444FD74F65031C47E17D"));
    }

    [Test]
    public async Task Concurrent_calls_on_one_instance_give_identical_bytes()
    {
        LocalImageGenerator generator = new();
        ImageGenerationRequest request = new("shared") { Size = new ImageSize(128, 96) };
        byte[] expected = (await generator.GenerateAsync(request)).Images[0].Data.ToArray();

        ImageGenerationResult[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => generator.GenerateAsync(request))));

        Assert.That(results.Select(r => r.Images[0].Data.ToArray()), Has.All.EqualTo(expected));
    }

    [Test]
    public async Task Different_prompts_give_visibly_different_images()
    {
        LocalImageGenerator generator = new();
        byte[] cat = (await generator.GenerateAsync(new ImageGenerationRequest("a cat") { Size = Small })).Images[0].Data.ToArray();
        byte[] dog = (await generator.GenerateAsync(new ImageGenerationRequest("a dog") { Size = Small })).Images[0].Data.ToArray();

        Assert.That(dog, Is.Not.EqualTo(cat));
        byte[] catPixels = PngFile.Parse(cat).DecodePixels();
        byte[] dogPixels = PngFile.Parse(dog).DecodePixels();
        double meanDifference = catPixels.Zip(dogPixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.That(meanDifference, Is.GreaterThan(8), "the pictures should differ to the eye, not in a few pixels");
    }

    [TestCase("seed")]
    [TestCase("negative")]
    [TestCase("style")]
    [TestCase("quality")]
    public async Task Every_hashed_input_changes_the_bytes(string field)
    {
        ImageGenerationRequest baseline = new("the same prompt") { Size = Small, Seed = 42 };
        ImageGenerationRequest changed = field switch
        {
            "seed" => baseline with { Seed = 43 },
            "negative" => baseline with { NegativePrompt = "people" },
            "style" => baseline with { Style = ImageStyle.Natural },
            _ => baseline with { Quality = ImageQuality.Low },
        };
        LocalImageGenerator generator = new();

        byte[] a = (await generator.GenerateAsync(baseline)).Images[0].Data.ToArray();
        byte[] b = (await generator.GenerateAsync(changed)).Images[0].Data.ToArray();

        Assert.That(b, Is.Not.EqualTo(a));
    }

    [Test]
    public async Task Pixels_form_a_smooth_picture_not_noise_and_not_a_flat_fill()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("a quiet harbour") { Size = new ImageSize(256, 256) });
        byte[] pixels = PngFile.Parse(result.Images[0].Data.Span).DecodePixels();

        int distinctColours = Enumerable.Range(0, pixels.Length / 3).Select(i => (pixels[i * 3] << 16) | (pixels[(i * 3) + 1] << 8) | pixels[(i * 3) + 2]).Distinct().Count();
        double neighbourDifference = Enumerable.Range(3, pixels.Length - 3).Where(i => i % (256 * 3) >= 3).Average(i => Math.Abs(pixels[i] - pixels[i - 3]));

        Assert.That(distinctColours, Is.GreaterThan(50), "gradients and shapes, not a flat fill");
        Assert.That(neighbourDifference, Is.LessThan(3), "neighbouring pixels should be close: shapes, not noise");
    }

    [Test]
    public async Task Count_three_gives_three_distinct_images_with_consecutive_seeds_each_reproducible_alone()
    {
        LocalImageGenerator generator = new();
        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("three variations") { Size = Small, Count = 3 });

        Assert.That(result.Images, Has.Count.EqualTo(3));
        byte[][] bytes = result.Images.Select(i => i.Data.ToArray()).ToArray();
        Assert.That(bytes[0], Is.Not.EqualTo(bytes[1]));
        Assert.That(bytes[1], Is.Not.EqualTo(bytes[2]));
        Assert.That(bytes[0], Is.Not.EqualTo(bytes[2]));
        long seed = result.Images[0].Seed!.Value;
        Assert.That(result.Images.Select(i => i.Seed), Is.EqualTo(new long?[] { seed, seed + 1, seed + 2 }));

        ImageGenerationResult second = await generator.GenerateAsync(new ImageGenerationRequest("three variations") { Size = Small, Seed = seed + 1 });
        Assert.That(second.Images.Single().Data.ToArray(), Is.EqualTo(bytes[1]));
    }

    [Test]
    public async Task Derived_seed_is_a_uint32_and_passing_it_explicitly_reproduces_the_image()
    {
        LocalImageGenerator generator = new();
        ImageGenerationResult derived = await generator.GenerateAsync(new ImageGenerationRequest("seedless") { Size = Small });
        long seed = derived.Images[0].Seed!.Value;

        ImageGenerationResult explicitSeed = await generator.GenerateAsync(new ImageGenerationRequest("seedless") { Size = Small, Seed = seed });

        Assert.That(seed, Is.InRange(0L, uint.MaxValue));
        Assert.That(explicitSeed.Images[0].Data.ToArray(), Is.EqualTo(derived.Images[0].Data.ToArray()));
        Assert.That(explicitSeed.Images[0].Seed, Is.EqualTo(seed));
    }

    [Test]
    public async Task Requested_seed_is_reported()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = Small, Seed = -7, Count = 2 });

        Assert.That(result.Images.Select(i => i.Seed), Is.EqualTo(new long?[] { -7, -6 }));
    }

    [TestCase("16:9", 1024, 576)]
    [TestCase("9:16", 576, 1024)]
    [TestCase("1:1", 1024, 1024)]
    [TestCase("4:3", 1024, 768)]
    [TestCase("3:2", 1024, 680)]
    [TestCase("21:9", 1024, 440)]
    [TestCase("1000:1", 1024, 8)]
    public async Task Aspect_ratio_alone_gives_long_edge_1024_and_short_edge_a_multiple_of_8(string ratio, int width, int height)
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("wide") { AspectRatio = ratio });

        PngFile png = PngFile.Parse(result.Images[0].Data.Span);
        Assert.That((png.Width, png.Height), Is.EqualTo((width, height)));
        Assert.That((result.Images[0].Width, result.Images[0].Height), Is.EqualTo(((int?)width, (int?)height)));
        Assert.That(height % 8, Is.Zero);
    }

    [Test]
    public async Task Size_wins_over_aspect_ratio()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = Small, AspectRatio = "16:9" });

        Assert.That((result.Images[0].Width, result.Images[0].Height), Is.EqualTo(((int?)64, (int?)48)));
    }

    [TestCase("16x9")]
    [TestCase("16:0")]
    [TestCase(":9")]
    [TestCase("wide")]
    public void Malformed_aspect_ratio_is_an_argument_exception(string ratio)
    {
        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { AspectRatio = ratio }));
        Assert.That(ex!.ParamName, Is.EqualTo("request.AspectRatio"));
    }

    [Test]
    public void Sizes_above_MaxPixels_are_refused_before_rendering()
    {
        LocalImageGenerator small = new(new LocalImageGeneratorOptions { MaxPixels = 100 * 100 });

        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => small.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(101, 100) }));
        Assert.That(ex!.ParamName, Is.EqualTo("request.Size"));
        Assert.That(ex.Message, Does.Contain("101x100").And.Contain("10000"));
        Assert.That(async () => await small.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(100, 100) }), Throws.Nothing);

        // The default cap refuses absurd sizes without trying to allocate them.
        Assert.ThrowsAsync<ArgumentException>(() => new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(100_000, 100_000) }));
        Assert.ThrowsAsync<ArgumentException>(() => new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(4097, 4096) }));
    }

    [TestCase(0)]
    [TestCase(11)]
    public void Count_outside_one_to_ten_is_refused(int count)
    {
        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Count = count }));
        Assert.That(ex!.ParamName, Is.EqualTo("request.Count"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Blank_prompt_is_refused(string prompt)
    {
        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest(prompt)));
        Assert.That(ex!.ParamName, Is.EqualTo("request.Prompt"));
    }

    [Test]
    public void Invalid_options_are_refused()
    {
        Assert.That(() => new LocalImageGenerator(new LocalImageGeneratorOptions { MaxPixels = 0 }), Throws.ArgumentException);
        Assert.That(() => new LocalImageGenerator(new LocalImageGeneratorOptions { ProviderName = " " }), Throws.ArgumentException);
        Assert.That(() => new LocalImageGenerator(new LocalImageGeneratorOptions { DefaultModel = "" }), Throws.ArgumentException);
    }

    [Test]
    public void An_already_cancelled_token_cancels_without_rendering()
    {
        using CancellationTokenSource cts = new();
        cts.Cancel();

        Task<ImageGenerationResult> task = new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x"), cts.Token);

        Assert.That(task.IsCanceled, Is.True);
        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Cancellation_during_rendering_stops_within_one_band_of_rows()
    {
        using CancellationTokenSource cts = new();
        int rowsRendered = 0;

        Assert.That(
            () => PngEncoder.Encode(64, 1000, (y, row) =>
            {
                rowsRendered++;
                row.Fill(0x80);
                if (y == 40)
                {
                    cts.Cancel();
                }
            }, System.IO.Compression.CompressionLevel.Fastest, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(rowsRendered, Is.InRange(41, 64), "rendering should stop at the next band boundary, not finish 1000 rows");
    }

    [Test]
    public async Task Result_reports_provider_model_zero_cost_and_elapsed_from_the_time_provider()
    {
        LocalImageGenerator generator = new(new LocalImageGeneratorOptions { ProviderName = "offline", DefaultModel = "placeholder" }, new SteppingTimeProvider(TimeSpan.FromMilliseconds(250)));

        ImageGenerationResult byDefault = await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = Small });
        ImageGenerationResult named = await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = Small, Model = "custom" });

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.Provider, Is.EqualTo("offline"));
            Assert.That(byDefault.Model, Is.EqualTo("placeholder"));
            Assert.That(named.Model, Is.EqualTo("custom"));
            Assert.That(byDefault.EstimatedCostUsd, Is.EqualTo(0m));
            Assert.That(byDefault.Elapsed, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(byDefault.Warnings, Is.Empty);
            Assert.That(byDefault.FromCache, Is.False);
        });
    }

    [Test]
    public async Task Defaults_are_provider_local_and_model_local_png()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = Small });

        Assert.That((result.Provider, result.Model), Is.EqualTo(("local", "local-png")));
    }

    [TestCase("jpeg")]
    [TestCase("webp")]
    public async Task Non_png_output_format_still_renders_png_with_a_warning(string format)
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = Small, OutputFormat = new ImageFormat(format) });

        Assert.That(result.Images[0].MediaType, Is.EqualTo(ImageMediaTypes.Png));
        Assert.That(result.Warnings, Has.One.StartsWith(LocalImageGenerator.PngOnlyWarning).And.Contain(format));
    }

    [Test]
    public async Task Png_output_format_gives_no_warning()
    {
        ImageGenerationResult result = await new LocalImageGenerator().GenerateAsync(new ImageGenerationRequest("x") { Size = Small, OutputFormat = ImageFormat.Png });

        Assert.That(result.Warnings, Is.Empty);
    }

    /// <summary>Every timestamp read moves the clock one step, so elapsed time is exact without a wall clock.</summary>
    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks) - step.Ticks;
    }
}
