using System.Text;
using System.Text.Json;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class Base64ExtractingJsonScannerTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(7)]
    [TestCase(4096)]
    [TestCase(1 << 20)]
    public void Decodes_images_exactly_whatever_the_chunk_size(int chunkSize)
    {
        byte[] first = TestImages.Png(40, 30, seed: 1);
        byte[] second = TestImages.Png(17, 9, seed: 2);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(first, second));

        using Base64ExtractingJsonScanner scanner = Feed(body, chunkSize);

        Assert.That(scanner.IsIncomplete, Is.False);
        Assert.That(scanner.Images, Has.Count.EqualTo(2));
        Assert.That(scanner.Images[0], Is.EqualTo(first));
        Assert.That(scanner.Images[1], Is.EqualTo(second));
        using JsonDocument remainder = JsonDocument.Parse(scanner.Remainder.ToArray());
        JsonElement data = remainder.RootElement.GetProperty("data");
        Assert.That(data[0].GetProperty("b64_json").GetString(), Is.EqualTo("#0"));
        Assert.That(data[1].GetProperty("b64_json").GetString(), Is.EqualTo("#1"));
        Assert.That(remainder.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32(), Is.EqualTo(4160));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(64)]
    public void Undoes_json_escapes_inside_base64(int chunkSize)
    {
        // Bytes chosen so the base64 text contains '/' and '+', which some encoders escape.
        byte[] image = [0xFF, 0xEF, 0xBE, 0xFB, 0xFF, 0x00, 0x01, 0xFC];
        string base64 = Convert.ToBase64String(image);
        Assert.That(base64, Does.Contain("/").And.Contain("+"));
        string escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        escaped = "\\n" + escaped + "\\r\\n";
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\" : \"" + escaped + "\"}]}");

        using Base64ExtractingJsonScanner scanner = Feed(body, chunkSize);

        Assert.That(scanner.Images.Single(), Is.EqualTo(image));
    }

    [Test]
    public void Leaves_other_strings_alone_even_when_they_read_b64_json()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"note\":\"b64_json\",\"x\":\"a\\\"b64_json\\\"\",\"data\":[{\"url\":\"https://x/y.png\",\"b64_json\":null}]}");

        using Base64ExtractingJsonScanner scanner = Feed(body, 3);

        Assert.That(scanner.Images, Is.Empty);
        Assert.That(Encoding.UTF8.GetString(scanner.Remainder), Is.EqualTo(Encoding.UTF8.GetString(body)));
    }

    [Test]
    public void Reports_a_body_cut_off_inside_the_base64_as_incomplete()
    {
        string json = TestImages.ImagesResponseJson(TestImages.Png(8, 8));
        byte[] body = Encoding.UTF8.GetBytes(json[..(json.Length / 2)]);

        using Base64ExtractingJsonScanner scanner = Feed(body, 100);

        Assert.That(scanner.IsIncomplete, Is.True);
    }

    [Test]
    public void Reports_an_empty_body_as_incomplete()
    {
        using Base64ExtractingJsonScanner scanner = Feed([], 1);

        Assert.That(scanner.IsIncomplete, Is.True);
    }

    [Test]
    public void Rejects_invalid_base64()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\":\"iVBO*not-base64*AAAA\"}]}");

        Assert.That(() => Feed(body, 8).Dispose(), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void Accepts_base64_without_padding()
    {
        byte[] image = [1, 2, 3, 4];
        string unpadded = Convert.ToBase64String(image).TrimEnd('=');
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\":\"" + unpadded + "\"}]}");

        using Base64ExtractingJsonScanner scanner = Feed(body, 2);

        Assert.That(scanner.Images.Single(), Is.EqualTo(image));
    }

    private static Base64ExtractingJsonScanner Feed(byte[] body, int chunkSize)
    {
        Base64ExtractingJsonScanner scanner = new(16);
        try
        {
            for (int offset = 0; offset < body.Length; offset += chunkSize)
            {
                scanner.Feed(body.AsSpan(offset, Math.Min(chunkSize, body.Length - offset)));
            }

            return scanner;
        }
        catch
        {
            scanner.Dispose();
            throw;
        }
    }
}
