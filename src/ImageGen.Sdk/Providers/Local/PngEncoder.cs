using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace ImageGen.Sdk.Providers.Local;

/// <summary>Fills one row of 8-bit RGB pixels (<c>width * 3</c> bytes).</summary>
/// <param name="y">The row index, top first.</param>
/// <param name="rgb">The row to fill.</param>
internal delegate void PngRowRenderer(int y, Span<byte> rgb);

/// <summary>
/// A minimal PNG writer: signature, IHDR (8-bit RGB, no interlace), one IDAT, IEND, each chunk with its CRC-32.
/// </summary>
/// <remarks>
/// Every row uses filter type 1 (Sub): the placeholder art is made of smooth gradients, so the difference to the
/// left neighbour is nearly constant and deflates to a fraction of the raw size at the fastest compression level.
/// Rows are rendered and compressed one at a time, so the raw image is never held in memory.
/// </remarks>
internal static class PngEncoder
{
    private const int BytesPerPixel = 3;
    private const byte FilterSub = 1;
    private const int RowsPerCancellationCheck = 32;

    /// <summary>Encodes an image rendered row by row.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="renderRow">Fills each row.</param>
    /// <param name="compressionLevel">The zlib compression level.</param>
    /// <param name="cancellationToken">Checked between bands of rows.</param>
    /// <returns>The PNG file bytes.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static byte[] Encode(int width, int height, PngRowRenderer renderRow, CompressionLevel compressionLevel, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(renderRow);

        int stride = checked(width * BytesPerPixel);
        byte[] raw = ArrayPool<byte>.Shared.Rent(stride);
        byte[] filtered = ArrayPool<byte>.Shared.Rent(stride + 1);
        using MemoryStream idat = new(capacity: Math.Max(1024, height * 64));
        try
        {
            using (ZLibStream zlib = new(idat, compressionLevel, leaveOpen: true))
            {
                Span<byte> rawRow = raw.AsSpan(0, stride);
                Span<byte> filteredRow = filtered.AsSpan(0, stride + 1);
                for (int y = 0; y < height; y++)
                {
                    if (y % RowsPerCancellationCheck == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    renderRow(y, rawRow);
                    filteredRow[0] = FilterSub;
                    rawRow[..BytesPerPixel].CopyTo(filteredRow[1..]);
                    for (int i = BytesPerPixel; i < stride; i++)
                    {
                        filteredRow[i + 1] = (byte)(rawRow[i] - rawRow[i - BytesPerPixel]);
                    }

                    zlib.Write(filteredRow);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(filtered);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ReadOnlySpan<byte> compressed = idat.GetBuffer().AsSpan(0, checked((int)idat.Length));
        const int ChunkOverhead = 12; // length + type + CRC
        const int HeaderLength = 13;
        byte[] png = new byte[checked(ImageMediaTypes.PngSignature.Length + ChunkOverhead + HeaderLength + ChunkOverhead + compressed.Length + ChunkOverhead)];
        Span<byte> output = png;
        ImageMediaTypes.PngSignature.CopyTo(output);
        int offset = ImageMediaTypes.PngSignature.Length;

        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour (RGB)
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method: adaptive (per-row filter byte)
        header[12] = 0; // no interlace
        offset += WriteChunk(output[offset..], "IHDR"u8, header);
        offset += WriteChunk(output[offset..], "IDAT"u8, compressed);
        offset += WriteChunk(output[offset..], "IEND"u8, []);
        return offset == png.Length ? png : throw new InvalidOperationException("PNG length mismatch.");
    }

    private static int WriteChunk(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, data.Length);
        type.CopyTo(destination[4..]);
        data.CopyTo(destination[8..]);

        // The CRC covers the chunk type and data, not the length.
        uint crc = Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Initial, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(destination[(8 + data.Length)..], crc);
        return 12 + data.Length;
    }
}
