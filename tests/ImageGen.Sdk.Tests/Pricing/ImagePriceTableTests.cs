using ImageGen.Sdk.Providers.OpenAI;
namespace ImageGen.Sdk.Tests.Pricing;

public sealed class ImagePriceTableTests
{
    private static readonly ImagePriceTable OpenAIPrices = ImagePriceTable.Empty.With(OpenAIImagePrices.Models);

    private static readonly object[] DefaultEntries =
    [
        new object?[] { "dall-e-2", "256x256", null, 0.016m },
        new object?[] { "dall-e-2", "512x512", null, 0.018m },
        new object?[] { "dall-e-2", "1024x1024", null, 0.020m },
        new object?[] { "dall-e-3", "1024x1024", "standard", 0.040m },
        new object?[] { "dall-e-3", "1024x1792", "standard", 0.080m },
        new object?[] { "dall-e-3", "1792x1024", "standard", 0.080m },
        new object?[] { "dall-e-3", "1024x1024", "hd", 0.080m },
        new object?[] { "dall-e-3", "1024x1792", "hd", 0.120m },
        new object?[] { "dall-e-3", "1792x1024", "hd", 0.120m },
        new object?[] { "gpt-image-1", "1024x1024", "low", 0.011m },
        new object?[] { "gpt-image-1", "1024x1536", "low", 0.016m },
        new object?[] { "gpt-image-1", "1536x1024", "low", 0.016m },
        new object?[] { "gpt-image-1", "1024x1024", "medium", 0.042m },
        new object?[] { "gpt-image-1", "1024x1536", "medium", 0.063m },
        new object?[] { "gpt-image-1", "1536x1024", "medium", 0.063m },
        new object?[] { "gpt-image-1", "1024x1024", "high", 0.167m },
        new object?[] { "gpt-image-1", "1024x1536", "high", 0.25m },
        new object?[] { "gpt-image-1", "1536x1024", "high", 0.25m },
        new object?[] { "gpt-image-1-mini", "1024x1024", "low", 0.005m },
        new object?[] { "gpt-image-1-mini", "1024x1536", "low", 0.006m },
        new object?[] { "gpt-image-1-mini", "1536x1024", "low", 0.006m },
        new object?[] { "gpt-image-1-mini", "1024x1024", "medium", 0.011m },
        new object?[] { "gpt-image-1-mini", "1024x1536", "medium", 0.015m },
        new object?[] { "gpt-image-1-mini", "1536x1024", "medium", 0.015m },
        new object?[] { "gpt-image-1-mini", "1024x1024", "high", 0.036m },
        new object?[] { "gpt-image-1-mini", "1024x1536", "high", 0.052m },
        new object?[] { "gpt-image-1-mini", "1536x1024", "high", 0.052m },
        new object?[] { "gpt-image-1.5", "1024x1024", "low", 0.009m },
        new object?[] { "gpt-image-1.5", "1024x1536", "low", 0.013m },
        new object?[] { "gpt-image-1.5", "1536x1024", "low", 0.013m },
        new object?[] { "gpt-image-1.5", "1024x1024", "medium", 0.034m },
        new object?[] { "gpt-image-1.5", "1024x1536", "medium", 0.05m },
        new object?[] { "gpt-image-1.5", "1536x1024", "medium", 0.05m },
        new object?[] { "gpt-image-1.5", "1024x1024", "high", 0.133m },
        new object?[] { "gpt-image-1.5", "1024x1536", "high", 0.2m },
        new object?[] { "gpt-image-1.5", "1536x1024", "high", 0.2m },
        new object?[] { "gpt-image-2", "1024x1024", "low", 0.006m },
        new object?[] { "gpt-image-2", "1024x1536", "low", 0.006m },
        new object?[] { "gpt-image-2", "1536x1024", "low", 0.006m },
        new object?[] { "gpt-image-2", "1024x1024", "medium", 0.053m },
        new object?[] { "gpt-image-2", "1024x1536", "medium", 0.053m },
        new object?[] { "gpt-image-2", "1536x1024", "medium", 0.053m },
        new object?[] { "gpt-image-2", "1024x1024", "high", 0.211m },
        new object?[] { "gpt-image-2", "1024x1536", "high", 0.211m },
        new object?[] { "gpt-image-2", "1536x1024", "high", 0.211m },
    ];

    [TestCaseSource(nameof(DefaultEntries))]
    public void Every_default_per_image_price_is_shipped(string model, string size, string? quality, decimal expected)
    {
        decimal? price = OpenAIPrices.GetImagePrice(model, ImageSize.Parse(size), quality is null ? (ImageQuality?)null : new ImageQuality(quality));

        Assert.That(price, Is.EqualTo(expected));
    }

    [TestCase("gpt-image-1", 5.00, 10.00, 40.00)]
    [TestCase("gpt-image-1-mini", 2.00, 2.50, 8.00)]
    [TestCase("gpt-image-1.5", 5.00, 8.00, 32.00)]
    [TestCase("gpt-image-2", 5.00, 8.00, 30.00)]
    public void Token_prices_are_per_million_tokens(string model, decimal text, decimal image, decimal output)
    {
        ImageUsage usage = new() { InputTokens = 3_000_000, InputTextTokens = 1_000_000, InputImageTokens = 2_000_000, OutputTokens = 1_000_000 };

        decimal? cost = OpenAIPrices.GetCostFromUsage(model, usage);

        Assert.That(cost, Is.EqualTo(text + (2 * image) + output));
    }

    [Test]
    public void Every_shipped_model_has_a_price_for_every_listed_size_and_quality()
    {
        string[] gptImage = ["gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2"];
        foreach (string model in gptImage)
        {
            foreach (string size in (string[])["1024x1024", "1024x1536", "1536x1024"])
            {
                foreach (string quality in (string[])["low", "medium", "high", "auto"])
                {
                    Assert.That(OpenAIPrices.GetImagePrice(model, ImageSize.Parse(size), new ImageQuality(quality)), Is.GreaterThan(0m), $"{model} {quality} {size}");
                }
            }

            Assert.That(OpenAIPrices.GetCostFromUsage(model, new ImageUsage { OutputTokens = 1000 }), Is.GreaterThan(0m), model);
        }
    }

    [Test]
    public void Input_tokens_without_a_split_count_as_text()
    {
        ImageUsage usage = new() { InputTokens = 50, OutputTokens = 4160 };

        Assert.That(OpenAIPrices.GetCostFromUsage("gpt-image-1", usage), Is.EqualTo(((50 * 5m) + (4160 * 40m)) / 1_000_000m));
        Assert.That(OpenAIPrices.GetCostFromUsage("dall-e-3", usage), Is.Null, "DALL·E is priced per image");
        Assert.That(OpenAIPrices.GetCostFromUsage("gpt-image-1", new ImageUsage()), Is.Null);
    }

    [Test]
    public void Auto_or_missing_quality_assumes_the_dearest_unless_the_model_has_a_default()
    {
        ImageSize square = new(1024, 1024);

        Assert.That(OpenAIPrices.GetImagePrice("gpt-image-1", square, ImageQuality.Auto), Is.EqualTo(0.167m));
        Assert.That(OpenAIPrices.GetImagePrice("gpt-image-1", null, null), Is.EqualTo(0.167m));
        Assert.That(OpenAIPrices.GetImagePrice("dall-e-3", square, null), Is.EqualTo(0.040m), "DALL·E 3 defaults to standard");
        Assert.That(OpenAIPrices.GetImagePrice("dall-e-2", square, ImageQuality.Standard), Is.EqualTo(0.020m), "no quality levels: by size");
    }

    [Test]
    public void Unknown_models_sizes_and_qualities_have_no_price()
    {
        Assert.That(OpenAIPrices.GetImagePrice("flux-pro", null, null), Is.Null);
        Assert.That(OpenAIPrices.GetImagePrice("dall-e-3", new ImageSize(512, 512), ImageQuality.Hd), Is.Null);
        Assert.That(OpenAIPrices.GetImagePrice("gpt-image-1", new ImageSize(1024, 1024), "ultra"), Is.Null);
    }

    [Test]
    public void Overrides_replace_and_add_entries_and_keep_the_rest()
    {
        PricingOptions options = new();
        options.Models["dall-e-3"] = new ModelPriceOptions();
        options.Models["dall-e-3"].PerImage["hd-1024x1024"] = 0.07m;
        options.Models["flux-pro"] = new ModelPriceOptions();
        options.Models["flux-pro"].PerImage["1024x1024"] = 0.05m;

        ImagePriceTable table = OpenAIPrices.With(options);

        Assert.That(table.GetImagePrice("dall-e-3", new ImageSize(1024, 1024), ImageQuality.Hd), Is.EqualTo(0.07m));
        Assert.That(table.GetImagePrice("dall-e-3", new ImageSize(1024, 1024), ImageQuality.Standard), Is.EqualTo(0.040m));
        Assert.That(table.GetImagePrice("FLUX-PRO", new ImageSize(1024, 1024), null), Is.EqualTo(0.05m));
        Assert.That(OpenAIPrices.GetImagePrice("dall-e-3", new ImageSize(1024, 1024), ImageQuality.Hd), Is.EqualTo(0.080m), "the shipped table is not changed");
    }

    [Test]
    public void Per_megapixel_prices_round_up_to_the_started_megapixel_and_a_default_covers_the_rest()
    {
        Dictionary<string, ModelPriceOptions> shipped = new()
        {
            ["flux-dev"] = new ModelPriceOptions { PerMegapixel = 0.025m },
            ["flux-pro"] = new ModelPriceOptions { DefaultPerImage = 0.05m },
        };
        shipped["flux-pro"].PerImage["2048x2048"] = 0.08m;
        ImagePriceTable table = ImagePriceTable.Empty.With(shipped);

        Assert.That(table.GetImagePrice("flux-dev", new ImageSize(1024, 1024), null), Is.EqualTo(0.05m), "1,048,576 px is 2 started megapixels");
        Assert.That(table.GetImagePrice("flux-dev", new ImageSize(1000, 1000), null), Is.EqualTo(0.025m), "exactly one megapixel");
        Assert.That(table.GetImagePrice("flux-dev", new ImageSize(1920, 1080), null), Is.EqualTo(0.075m), "2.07 MP is 3 started megapixels");
        Assert.That(table.GetImagePrice("flux-pro", new ImageSize(2048, 2048), null), Is.EqualTo(0.08m), "a listed size wins");
        Assert.That(table.GetImagePrice("flux-pro", new ImageSize(512, 768), ImageQuality.Hd), Is.EqualTo(0.05m), "the default covers any other size and quality");
    }

    [Test]
    public void A_star_entry_prices_every_model_the_table_does_not_list()
    {
        Dictionary<string, ModelPriceOptions> free = new() { ["*"] = new ModelPriceOptions { DefaultPerImage = 0m } };
        ImagePriceTable table = OpenAIPrices.With(free);

        Assert.That(table.GetImagePrice("anything", new ImageSize(640, 480), null), Is.EqualTo(0m));
        Assert.That(table.Contains("anything"), Is.True);
        Assert.That(table.GetImagePrice("dall-e-3", new ImageSize(1024, 1024), ImageQuality.Hd), Is.EqualTo(0.080m), "listed models keep their own prices");
        Assert.That(OpenAIPrices.Contains("anything"), Is.False);
    }
}
