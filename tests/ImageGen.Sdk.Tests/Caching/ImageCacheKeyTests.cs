using System.Text;
using System.Text.Json;
using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk.Tests.Caching;

public class ImageCacheKeyTests
{
    private static readonly ImageGenerationRequest Baseline = new("A watercolour lighthouse at dusk")
    {
        Count = 1,
        Size = new ImageSize(1024, 1024),
        Quality = ImageQuality.High,
        OutputFormat = ImageFormat.Png,
    };

    private static IEnumerable<TestCaseData> OutputChangingMutations()
    {
        ImageInput image = ImageInput.FromBytes(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png);
        ImageInput otherImage = ImageInput.FromBytes(new byte[] { 1, 2, 4 }, ImageMediaTypes.Png);
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Prompt = r.Prompt + "!" })).SetName("prompt");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Count = 2 })).SetName("count");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Size = new ImageSize(1024, 1536) })).SetName("size");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Size = null })).SetName("size removed");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { AspectRatio = "16:9" })).SetName("aspect ratio");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Quality = ImageQuality.Low })).SetName("quality");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Style = ImageStyle.Vivid })).SetName("style");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { OutputFormat = ImageFormat.Webp })).SetName("format");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { NegativePrompt = "people" })).SetName("negative prompt");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { Seed = 7 })).SetName("seed");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { InputImages = [image] })).SetName("input image");
        yield return new TestCaseData((Func<ImageGenerationRequest, ImageGenerationRequest>)(r => r with { ProviderOptions = new Dictionary<string, JsonElement> { ["background"] = JsonDocument.Parse("\"transparent\"").RootElement } })).SetName("provider options");
    }

    [Test]
    public void Keys_are_identical_across_runs_and_machines()
    {
        // A golden value: it changes only when the canonical form changes, and then Version must be bumped.
        ImageCacheKey key = ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1");
        Assert.That(key.ToHexString(), Is.EqualTo(ImageCacheKeyBuilder.Compute(Baseline with { }, "openai", "gpt-image-1").ToHexString()));
        Assert.That(key.ToHexString(), Is.EqualTo(GoldenKey), "canonical form changed: bump ImageCacheKeyBuilder.Version and update this value");
    }

    [TestCaseSource(nameof(OutputChangingMutations))]
    public void Every_output_changing_field_changes_the_key(Func<ImageGenerationRequest, ImageGenerationRequest> mutate)
    {
        ImageCacheKey baseline = ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1");
        Assert.That(ImageCacheKeyBuilder.Compute(mutate(Baseline), "openai", "gpt-image-1"), Is.Not.EqualTo(baseline));
    }

    [Test]
    public void The_bytes_of_every_input_image_and_of_the_mask_change_the_key()
    {
        // Baselines that already carry images: a builder that ignored the bytes (hashing only the count, or nothing
        // for the mask) would produce equal keys here.
        ImageInput image = ImageInput.FromBytes(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png);
        ImageInput other = ImageInput.FromBytes(new byte[] { 1, 2, 4 }, ImageMediaTypes.Png);
        ImageInput maskA = ImageInput.FromBytes(new byte[] { 7, 7, 7 }, ImageMediaTypes.Png);
        ImageInput maskB = ImageInput.FromBytes(new byte[] { 7, 7, 8 }, ImageMediaTypes.Png);
        ImageCacheKey Compute(ImageGenerationRequest request) => ImageCacheKeyBuilder.Compute(request, "openai", "gpt-image-1");

        ImageGenerationRequest withImage = Baseline with { InputImages = [image] };
        Assert.That(Compute(withImage with { InputImages = [other] }), Is.Not.EqualTo(Compute(withImage)), "input image bytes");
        Assert.That(Compute(withImage with { InputImages = [ImageInput.FromBytes(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png)] }), Is.EqualTo(Compute(withImage)), "equal bytes, equal key");
        Assert.That(
            Compute(Baseline with { InputImages = [image, other] }),
            Is.Not.EqualTo(Compute(Baseline with { InputImages = [other, image] })),
            "input image order");

        ImageGenerationRequest withMask = withImage with { Mask = maskA };
        Assert.That(Compute(withMask), Is.Not.EqualTo(Compute(withImage)), "mask present");
        Assert.That(Compute(withMask with { Mask = maskB }), Is.Not.EqualTo(Compute(withMask)), "mask bytes");
    }

    [Test]
    public void Provider_model_and_prefix_change_the_key()
    {
        ImageCacheKey baseline = ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1");
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "azure", "gpt-image-1"), Is.Not.EqualTo(baseline));
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "openai", "dall-e-3"), Is.Not.EqualTo(baseline));
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1", "tenant-a"), Is.Not.EqualTo(baseline));
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "OpenAI", "gpt-image-1"), Is.EqualTo(baseline), "provider names ignore case");
    }

    [Test]
    public void Fields_that_do_not_change_the_output_do_not_change_the_key()
    {
        ImageCacheKey baseline = ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1");
        ImageGenerationRequest same = Baseline with
        {
            Prompt = "  A watercolour\tlighthouse \n at dusk ",
            User = "alice",
            MaxRetries = 0,
            Cache = CacheMode.Refresh,
            AllowFallback = true,
            Quality = new ImageQuality("HIGH"),
            OutputFormat = new ImageFormat("PNG"),
            ProviderOptions = new Dictionary<string, JsonElement>(),
        };
        Assert.That(ImageCacheKeyBuilder.Compute(same, "openai", "gpt-image-1"), Is.EqualTo(baseline));
    }

    [TestCase("a red fox", "a\u00A0red\tfox")]
    [TestCase("a red fox", "\r\na red  fox\n")]
    [TestCase("a red fox", "a red\u2003fox")]
    public void Prompts_differing_only_in_white_space_share_a_key(string clean, string messy)
    {
        Assert.That(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(messy), "p", "m"), Is.EqualTo(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(clean), "p", "m")));
        string longClean = string.Join(' ', Enumerable.Repeat(clean, 100));
        string longMessy = string.Join("  ", Enumerable.Repeat(messy, 100));
        Assert.That(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(longMessy), "p", "m"), Is.EqualTo(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(longClean), "p", "m")));
    }

    [Test]
    public void Every_white_space_char_is_normalised_to_one_space()
    {
        // The normalisation check is a vectorised search over an explicit char set: it must be exactly char.IsWhiteSpace.
        ImageCacheKey clean = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("a b"), "p", "m");
        int checkedChars = 0;
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (!char.IsWhiteSpace((char)c))
            {
                continue;
            }

            checkedChars++;
            Assert.That(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest($"a{(char)c}b"), "p", "m"), Is.EqualTo(clean), $"U+{c:X4}");
        }

        Assert.That(checkedChars, Is.GreaterThan(20));
        Assert.That(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("a\u200Bb"), "p", "m"), Is.Not.EqualTo(clean), "a zero-width space is not white space");
    }

    [Test]
    public void The_key_memo_gives_exactly_the_computed_key_even_when_slots_collide()
    {
        // Far more distinct requests than the memo has slots, each asked three times in an order that makes
        // requests sharing a slot evict each other: every answer must equal the key computed from scratch.
        ImageCacheKeyMemo memo = new();
        List<ImageGenerationRequest> requests = [];
        for (int i = 0; i < ImageCacheKeyMemo.SlotCount * 3; i++)
        {
            requests.Add(new ImageGenerationRequest($"prompt {i}") { Seed = i % 7 == 0 ? i : null, Count = 1 + (i % 3) });
        }

        requests.Add(new ImageGenerationRequest(new string('x', ImageCacheKeyMemo.MaxCanonicalBytes * 2)));
        for (int round = 0; round < 3; round++)
        {
            foreach (ImageGenerationRequest request in round == 1 ? Enumerable.Reverse(requests) : requests)
            {
                Assert.That(
                    ImageCacheKeyBuilder.Compute(request, "openai", "gpt-image-1", "tenant", memo),
                    Is.EqualTo(ImageCacheKeyBuilder.Compute(request, "openai", "gpt-image-1", "tenant")),
                    request.Prompt.Length > 40 ? "long prompt" : request.Prompt);
            }
        }

        // The same form through the memo twice, and a form differing in one byte, keep their own keys.
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1", null, memo).ToHexString(), Is.EqualTo(GoldenKey));
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1", null, memo).ToHexString(), Is.EqualTo(GoldenKey));
        Assert.That(ImageCacheKeyBuilder.Compute(Baseline with { Seed = 1 }, "openai", "gpt-image-1", null, memo).ToHexString(), Is.Not.EqualTo(GoldenKey));
    }

    [Test]
    public void The_key_memo_admits_a_form_on_its_second_sighting_only()
    {
        ImageCacheKeyMemo memo = new();
        byte[] form = Encoding.UTF8.GetBytes("a canonical form");
        ImageCacheKey key = ImageCacheKeyBuilder.Compute(Baseline, "p", "m");

        Assert.That(memo.TryGet(form, out ulong fingerprint, out _), Is.False);
        memo.Add(form, fingerprint, key);
        Assert.That(memo.TryGet(form, out fingerprint, out _), Is.False, "one sighting is not remembered");
        memo.Add(form, fingerprint, key);
        Assert.That(memo.TryGet(form, out _, out ImageCacheKey remembered), Is.True, "the second sighting is");
        Assert.That(remembered, Is.EqualTo(key));

        // A stream of distinct forms never seen twice leaves what is remembered in place.
        for (int i = 0; i < ImageCacheKeyMemo.SlotCount * 4; i++)
        {
            byte[] other = Encoding.UTF8.GetBytes($"form {i}");
            Assert.That(memo.TryGet(other, out ulong otherFingerprint, out _), Is.False);
            memo.Add(other, otherFingerprint, default);
        }

        Assert.That(memo.TryGet(form, out _, out remembered), Is.True);
        Assert.That(remembered, Is.EqualTo(key));
    }

    [Test]
    public void Provider_options_are_order_independent()
    {
        JsonElement a = JsonDocument.Parse("1").RootElement;
        JsonElement b = JsonDocument.Parse("\"x\"").RootElement;
        ImageGenerationRequest first = Baseline with { ProviderOptions = new Dictionary<string, JsonElement> { ["a"] = a, ["b"] = b } };
        ImageGenerationRequest second = Baseline with { ProviderOptions = new Dictionary<string, JsonElement> { ["b"] = b, ["a"] = a } };
        Assert.That(ImageCacheKeyBuilder.Compute(first, "p", "m"), Is.EqualTo(ImageCacheKeyBuilder.Compute(second, "p", "m")));
    }

    [Test]
    public void Long_prompts_use_a_pooled_buffer_and_still_hash_the_whole_prompt()
    {
        string longPrompt = new('x', 20_000);
        ImageCacheKey a = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(longPrompt), "p", "m");
        ImageCacheKey b = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(longPrompt + "y"), "p", "m");
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(a, Is.EqualTo(ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(longPrompt), "p", "m")));
    }

    [Test]
    public void A_key_prints_only_its_short_hash_and_round_trips_through_hex()
    {
        ImageCacheKey key = ImageCacheKeyBuilder.Compute(Baseline, "openai", "gpt-image-1");
        Assert.That(key.ToString(), Is.EqualTo(key.ToHexString()[..12]));
        Assert.That(ImageCacheKey.TryParse(key.ToHexString(), out ImageCacheKey parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(key));
        Assert.That(ImageCacheKey.TryParse("nope", out _), Is.False);
    }

    private const string GoldenKey = "8b7ccede769d32a76479e0be5aee92dc158d4faeed4add5818bb1fd83f115114";
}
