using System.Buffers;

namespace SharedChannels.Http.Internal;

/// <summary>Reads a whole body into memory, but never more than a limit: a peer must not be able to exhaust memory.</summary>
internal static class CappedReader
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// Reads <paramref name="stream"/> to its end. Returns <see langword="null"/> as soon as more than
    /// <paramref name="limit"/> bytes arrive (reading stops at <paramref name="limit"/> + 1 bytes).
    /// </summary>
    /// <param name="stream">The body.</param>
    /// <param name="declaredLength">The announced length (<c>Content-Length</c>), if any, to size the buffer.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="cancellationToken">A token to cancel reading.</param>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(Stream stream, long? declaredLength, int limit, CancellationToken cancellationToken)
    {
        if (declaredLength > limit)
        {
            return null;
        }

        // The announced length only sizes the first buffer: a peer may still send more, and is stopped below.
        using var buffer = new MemoryStream(declaredLength is long announced ? (int)announced : 0);
        if (!await ReadIntoAsync(stream, buffer, limit, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return buffer.Length == 0 ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end into <paramref name="buffer"/>; <see langword="false"/> as soon as
    /// more than <paramref name="limit"/> bytes arrive. If reading fails, what arrived before stays in the buffer.
    /// </summary>
    public static async Task<bool> ReadIntoAsync(Stream stream, MemoryStream buffer, int limit, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                long room = (long)limit + 1 - buffer.Length;
                int read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, room)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > limit)
                {
                    return false;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return true;
    }
}
