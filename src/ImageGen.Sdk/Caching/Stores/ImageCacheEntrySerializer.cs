using System.Text;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// The binary form of an entry at rest (file-system index files, distributed cache values): versioned,
/// little-endian, UTF-8. Images are either inline (distributed) or references to content-addressed blobs (file system).
/// </summary>
/// <remarks>Hand-written rather than JSON so it stays trimming/AOT-safe and reads image bytes without copying.</remarks>
internal static class ImageCacheEntrySerializer
{
    public const int HashLength = 32;
    private const uint Magic = 0x31454349; // "ICE1" little-endian
    private const byte FormatVersion = 1;

    public static byte[] Serialize(ImageCacheEntry entry, long sequence, IReadOnlyList<byte[]>? blobHashes)
    {
        using MemoryStream stream = new(capacity: 256 + (blobHashes is null ? (int)Math.Min(entry.SizeBytes, int.MaxValue - 1024) : 0));
        using (BinaryWriter writer = new(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(blobHashes is null ? (byte)0 : (byte)1);
            writer.Write(entry.Provider);
            writer.Write(entry.Model);
            writer.Write(entry.CreatedAt.UtcTicks);
            writer.Write(entry.ExpiresAt.UtcTicks);
            writer.Write(entry.RetainUntil.UtcTicks);
            writer.Write(entry.EstimatedCostUsd.HasValue);
            writer.Write(entry.EstimatedCostUsd.GetValueOrDefault());
            writer.Write(sequence);
            writer.Write(entry.Images.Count);
            for (int i = 0; i < entry.Images.Count; i++)
            {
                GeneratedImage image = entry.Images[i];
                writer.Write(image.MediaType);
                WriteOptional(writer, image.Width);
                WriteOptional(writer, image.Height);
                writer.Write(image.RevisedPrompt is not null);
                if (image.RevisedPrompt is not null)
                {
                    writer.Write(image.RevisedPrompt);
                }

                writer.Write(image.Seed.HasValue);
                writer.Write(image.Seed.GetValueOrDefault());
                writer.Write(image.Data.Length);
                if (blobHashes is null)
                {
                    writer.Write(image.Data.Span);
                }
                else
                {
                    writer.Write(blobHashes[i]);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads an entry; throws <see cref="InvalidDataException"/>, <see cref="IOException"/> (truncated data, an invalid decimal) or <see cref="FormatException"/> when the data is not one.</summary>
    public static StoredEntry Deserialize(byte[] data)
    {
        using MemoryStream stream = new(data, writable: false);
        using BinaryReader reader = new(stream, Encoding.UTF8);
        if (reader.ReadUInt32() != Magic || reader.ReadByte() != FormatVersion)
        {
            throw new InvalidDataException("Not a cache entry of this version.");
        }

        bool blobs = reader.ReadByte() switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidDataException("Unknown image storage mode."),
        };
        StoredEntry stored = new()
        {
            Provider = reader.ReadString(),
            Model = reader.ReadString(),
            CreatedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
            ExpiresAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
            RetainUntil = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
        };
        bool hasCost = reader.ReadBoolean();
        decimal cost = reader.ReadDecimal();
        stored.EstimatedCostUsd = hasCost ? cost : null;
        stored.Sequence = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count is < 1 or > 1000 || string.IsNullOrWhiteSpace(stored.Provider) || string.IsNullOrWhiteSpace(stored.Model))
        {
            throw new InvalidDataException("Implausible cache entry.");
        }

        for (int i = 0; i < count; i++)
        {
            StoredImage image = new()
            {
                MediaType = reader.ReadString(),
                Width = ReadOptional(reader),
                Height = ReadOptional(reader),
                RevisedPrompt = reader.ReadBoolean() ? reader.ReadString() : null,
            };
            bool hasSeed = reader.ReadBoolean();
            long seed = reader.ReadInt64();
            image.Seed = hasSeed ? seed : null;
            image.Length = reader.ReadInt32();
            if (image.Length <= 0 || string.IsNullOrWhiteSpace(image.MediaType))
            {
                throw new InvalidDataException("Implausible cached image.");
            }

            if (blobs)
            {
                image.Hash = reader.ReadBytes(HashLength);
                if (image.Hash.Length != HashLength)
                {
                    throw new EndOfStreamException();
                }
            }
            else
            {
                int offset = checked((int)stream.Position);
                if (data.Length - offset < image.Length)
                {
                    throw new EndOfStreamException();
                }

                // A slice of the value read from the cache: no copy.
                image.Data = new ReadOnlyMemory<byte>(data, offset, image.Length);
                stream.Position = offset + image.Length;
            }

            stored.Images.Add(image);
        }

        return stored;
    }

    private static void WriteOptional(BinaryWriter writer, int? value)
    {
        writer.Write(value.HasValue);
        writer.Write(value.GetValueOrDefault());
    }

    private static int? ReadOptional(BinaryReader reader)
    {
        bool has = reader.ReadBoolean();
        int value = reader.ReadInt32();
        return has ? value : null;
    }

    /// <summary>An entry as read, before its blobs are loaded.</summary>
    internal sealed class StoredEntry
    {
        public string Provider { get; set; } = string.Empty;

        public string Model { get; set; } = string.Empty;

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset RetainUntil { get; set; }

        public decimal? EstimatedCostUsd { get; set; }

        public long Sequence { get; set; }

        public List<StoredImage> Images { get; } = [];

        public bool Matches(string? provider, string? model)
            => (provider is null || string.Equals(provider, Provider, StringComparison.OrdinalIgnoreCase))
            && (model is null || string.Equals(model, Model, StringComparison.OrdinalIgnoreCase));

        public ImageCacheEntry ToEntry()
        {
            GeneratedImage[] images = new GeneratedImage[Images.Count];
            for (int i = 0; i < images.Length; i++)
            {
                StoredImage image = Images[i];
                images[i] = new GeneratedImage(image.Data, image.MediaType)
                {
                    Width = image.Width,
                    Height = image.Height,
                    RevisedPrompt = image.RevisedPrompt,
                    Seed = image.Seed,
                };
            }

            return new ImageCacheEntry(images, Provider, Model)
            {
                EstimatedCostUsd = EstimatedCostUsd,
                CreatedAt = CreatedAt,
                ExpiresAt = ExpiresAt,
                RetainUntil = RetainUntil,
            };
        }
    }

    /// <summary>An image as read: inline bytes or the hash of its blob.</summary>
    internal sealed class StoredImage
    {
        public string MediaType { get; set; } = string.Empty;

        public int? Width { get; set; }

        public int? Height { get; set; }

        public string? RevisedPrompt { get; set; }

        public long? Seed { get; set; }

        public int Length { get; set; }

        public byte[]? Hash { get; set; }

        public ReadOnlyMemory<byte> Data { get; set; }
    }
}
