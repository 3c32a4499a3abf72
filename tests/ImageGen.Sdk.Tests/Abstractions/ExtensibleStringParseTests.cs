namespace ImageGen.Sdk.Tests.Abstractions;

/// <summary><c>Parse</c> / <c>TryParse</c> on the extensible string enums, like <see cref="ImageSize.Parse"/>.</summary>
public sealed class ExtensibleStringParseTests
{
    [Test]
    public void Parse_trims_and_compares_without_case()
    {
        Assert.That(ImageQuality.Parse(" HIGH "), Is.EqualTo(ImageQuality.High));
        Assert.That(ImageStyle.Parse("vivid"), Is.EqualTo(ImageStyle.Vivid));
        Assert.That(ImageFormat.Parse("Webp"), Is.EqualTo(ImageFormat.Webp));
        Assert.That(ImageQuality.Parse("ultra").Value, Is.EqualTo("ultra"), "names the SDK does not know pass through");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Blank_values_are_refused(string? value)
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ImageQuality.Parse(value!), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => ImageStyle.Parse(value!), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => ImageFormat.Parse(value!), Throws.InstanceOf<ArgumentException>());
            Assert.That(ImageQuality.TryParse(value, out _), Is.False);
            Assert.That(ImageStyle.TryParse(value, out _), Is.False);
            Assert.That(ImageFormat.TryParse(value, out _), Is.False);
        });
    }

    [Test]
    public void TryParse_returns_the_value()
    {
        Assert.That(ImageQuality.TryParse("hd", out ImageQuality quality), Is.True);
        Assert.That(quality, Is.EqualTo(ImageQuality.Hd));
        Assert.That(ImageFormat.TryParse("png", out ImageFormat format) && format == ImageFormat.Png, Is.True);
    }
}
