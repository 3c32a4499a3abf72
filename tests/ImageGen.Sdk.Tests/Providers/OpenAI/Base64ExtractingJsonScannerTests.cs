using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class Base64ExtractingJsonScannerTests
{
    /// <summary>What the scanner is told about the body's length.</summary>
    public enum Announced
    {
        /// <summary>No Content-Length (a chunked body): pooled buffers, one exact copy per image.</summary>
        Unknown,

        /// <summary>The true length: images decode straight into one array.</summary>
        Exact,

        /// <summary>More than arrives (the server cut the body or lied): the array is larger than needed.</summary>
        Longer,

        /// <summary>Less than arrives: the array runs out and the image in progress moves to a larger one.</summary>
        Shorter,

        /// <summary>A Content-Length that ends before the first image even starts.</summary>
        Tiny,
    }

    [Test]
    public void Decodes_images_exactly_whatever_the_chunk_size_and_announced_length(
        [Values(1, 2, 3, 5, 7, 4096, 1 << 20)] int chunkSize,
        [Values] Announced announced)
    {
        byte[] first = TestImages.Png(40, 30, seed: 1);
        byte[] second = TestImages.Png(17, 9, seed: 2);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(first, second));

        using Base64ExtractingJsonScanner scanner = Feed(body, chunkSize, announced);

        Assert.That(scanner.IsIncomplete, Is.False);
        Assert.That(scanner.Images, Has.Count.EqualTo(2));
        Assert.That(scanner.Images[0].ToArray(), Is.EqualTo(first));
        Assert.That(scanner.Images[1].ToArray(), Is.EqualTo(second));
        using JsonDocument remainder = JsonDocument.Parse(scanner.Remainder.ToArray());
        JsonElement data = remainder.RootElement.GetProperty("data");
        Assert.That(data[0].GetProperty("b64_json").GetString(), Is.EqualTo("#0"));
        Assert.That(data[1].GetProperty("b64_json").GetString(), Is.EqualTo("#1"));
        Assert.That(remainder.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32(), Is.EqualTo(4160));
    }

    [Test]
    public void Undoes_json_escapes_inside_base64([Values(1, 3, 64)] int chunkSize, [Values] Announced announced)
    {
        // Bytes chosen so the base64 text contains '/' and '+', which some encoders escape.
        byte[] image = [0xFF, 0xEF, 0xBE, 0xFB, 0xFF, 0x00, 0x01, 0xFC];
        string base64 = Convert.ToBase64String(image);
        Assert.That(base64, Does.Contain("/").And.Contain("+"));
        string escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        escaped = "\\n" + escaped + "\\r\\n";
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\" : \"" + escaped + "\"}]}");

        using Base64ExtractingJsonScanner scanner = Feed(body, chunkSize, announced);

        Assert.That(scanner.Images.Single().ToArray(), Is.EqualTo(image));
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
    public void Reports_a_body_cut_off_inside_the_base64_as_incomplete([Values] Announced announced)
    {
        string json = TestImages.ImagesResponseJson(TestImages.Png(8, 8));
        byte[] body = Encoding.UTF8.GetBytes(json[..(json.Length / 2)]);

        using Base64ExtractingJsonScanner scanner = Feed(body, 100, announced);

        Assert.That(scanner.IsIncomplete, Is.True);
    }

    [Test]
    public void Reports_an_empty_body_as_incomplete()
    {
        using Base64ExtractingJsonScanner scanner = Feed([], 1);

        Assert.That(scanner.IsIncomplete, Is.True);
    }

    [Test]
    public void Rejects_invalid_base64([Values] Announced announced)
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\":\"iVBO*not-base64*AAAA\"}]}");

        Assert.That(() => Feed(body, 8, announced).Dispose(), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void Accepts_base64_without_padding([Values] Announced announced)
    {
        byte[] image = [1, 2, 3, 4];
        string unpadded = Convert.ToBase64String(image).TrimEnd('=');
        byte[] body = Encoding.UTF8.GetBytes("{\"data\":[{\"b64_json\":\"" + unpadded + "\"}]}");

        using Base64ExtractingJsonScanner scanner = Feed(body, 2, announced);

        Assert.That(scanner.Images.Single().ToArray(), Is.EqualTo(image));
    }

    [Test]
    public void With_a_content_length_every_image_is_an_exact_slice_of_one_array_barely_larger_than_the_images()
    {
        byte[][] images = [TestImages.Png(64, 48, seed: 1), TestImages.Png(33, 20, seed: 2), TestImages.Png(50, 50, seed: 3)];
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(images));

        using Base64ExtractingJsonScanner scanner = Feed(body, 1000, Announced.Exact);

        Assert.That(scanner.Images.Select(i => i.ToArray()), Is.EqualTo(images));
        byte[]? shared = null;
        for (int i = 0; i < scanner.Images.Count; i++)
        {
            Assert.That(MemoryMarshal.TryGetArray(scanner.Images[i], out ArraySegment<byte> segment), Is.True);
            shared ??= segment.Array;
            Assert.That(segment.Array, Is.SameAs(shared), "all images share the array sized from Content-Length");
            Assert.That(segment.Count, Is.EqualTo(images[i].Length));
        }

        // The array holds the images plus at most 3/4 of the JSON that follows the first image's opening quote.
        int imageBytes = images.Sum(i => i.Length);
        int jsonAroundImages = body.Length - images.Sum(i => Convert.ToBase64String(i).Length);
        Assert.That(shared!.Length, Is.InRange(imageBytes, imageBytes + (jsonAroundImages * 3 / 4) + 3));
    }

    [Test]
    public void Without_a_content_length_each_image_is_its_own_exact_array()
    {
        byte[][] images = [TestImages.Png(20, 20, seed: 1), TestImages.Png(21, 21, seed: 2)];
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(images));

        using Base64ExtractingJsonScanner scanner = Feed(body, 512, Announced.Unknown);

        for (int i = 0; i < images.Length; i++)
        {
            Assert.That(MemoryMarshal.TryGetArray(scanner.Images[i], out ArraySegment<byte> segment), Is.True);
            Assert.That((segment.Offset, segment.Count, segment.Array!.Length), Is.EqualTo((0, images[i].Length, images[i].Length)));
        }
    }

    [Test]
    public void With_a_content_length_a_large_image_allocates_little_more_than_its_bytes()
    {
        byte[] image = new byte[1_500_000];
        new Random(7).NextBytes(image);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(image));
        Feed(body, 64 * 1024, Announced.Exact).Dispose(); // warm up the pooled remainder buffer and the JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        using Base64ExtractingJsonScanner scanner = Feed(body, 64 * 1024, Announced.Exact);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(scanner.Images.Single().Span.SequenceEqual(image), Is.True);
        Assert.That(allocated, Is.LessThan(image.Length * 1.05), "one array for the image, no copy");
    }

    [Test]
    public void The_shared_array_behind_the_images_holds_nothing_but_the_images_and_zeros(
        [Values(7, 4096, 1 << 20)] int chunkSize,
        [Values(Announced.Exact, Announced.Longer, Announced.Shorter)] Announced announced)
    {
        // A caller can reach the whole array behind an image with MemoryMarshal.TryGetArray; with a Content-Length
        // that understates the body, the second image starts in one array and moves to a larger one, leaving its
        // first bytes behind the first image.
        byte[] first = TestImages.Png(40, 30, seed: 1);
        byte[] second = TestImages.Png(17, 9, seed: 2);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(first, second));

        using Base64ExtractingJsonScanner scanner = Feed(body, chunkSize, announced);

        Dictionary<byte[], List<ArraySegment<byte>>> arrays = new(ReferenceEqualityComparer.Instance);
        foreach (ReadOnlyMemory<byte> image in scanner.Images)
        {
            Assert.That(MemoryMarshal.TryGetArray(image, out ArraySegment<byte> segment), Is.True);
            arrays.TryAdd(segment.Array!, []);
            arrays[segment.Array!].Add(segment);
        }

        foreach ((byte[] array, List<ArraySegment<byte>> segments) in arrays)
        {
            bool[] covered = new bool[array.Length];
            foreach (ArraySegment<byte> segment in segments)
            {
                covered.AsSpan(segment.Offset, segment.Count).Fill(true);
            }

            int stray = Enumerable.Range(0, array.Length).Count(i => !covered[i] && array[i] != 0);
            Assert.That(stray, Is.Zero, $"non-zero bytes outside the images in an array of {array.Length}");
        }
    }

    private static Base64ExtractingJsonScanner Feed(byte[] body, int chunkSize, Announced announced = Announced.Unknown)
    {
        long? contentLength = announced switch
        {
            Announced.Exact => body.Length,
            Announced.Longer => body.Length + 5000,
            Announced.Shorter => body.Length / 2,
            Announced.Tiny => 3,
            _ => null,
        };
        Base64ExtractingJsonScanner scanner = new(contentLength);
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
