//! Transparent decompression: gzip (also multi-member, as in `.warc.gz`) and zstd, recognised by
//! their magic bytes whatever the file is called. A stream that expands far beyond what text
//! compresses to (a decompression bomb) is cut off with a read error, so no input decompresses
//! without bound.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Most decompressed bytes per compressed byte: news text compresses 3–10 times, gzip at most
/// about 1,000 times (long runs of one byte), zstd far more.
pub const MAX_RATIO: u64 = 200;

/// Output that is never refused whatever the ratio, so a tiny file of repeated text still reads.
const RATIO_FREE: u64 = 1 << 20;

/// How a byte stream is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (RFC 1952), one or several members.
    Gzip,
    /// Zstandard.
    Zstd,
}

impl Compression {
    /// Recognises the compression from the first bytes of a stream.
    pub fn sniff(head: &[u8]) -> Self {
        if head.starts_with(GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// `name` without a trailing `.gz`, `.gzip`, `.zst` or `.zstd`, so that `x.warc.gz` is a WARC.
pub fn strip_compression_extension(name: &str) -> &str {
    for ext in [".gz", ".gzip", ".zst", ".zstd"] {
        if name.len() > ext.len() && name.to_ascii_lowercase().ends_with(ext) {
            return &name[..name.len() - ext.len()];
        }
    }
    name
}

/// Wraps `input` in the decoder its first bytes call for. Corrupt compressed data surfaces as read
/// errors later, never as a panic.
///
/// Compressed streams that decompress to more than [`MAX_RATIO`] times their size (beyond the
/// first MiB) fail with an `InvalidData` error saying so, on that read and every later one.
pub fn decompress(input: impl Read + Send + 'static) -> io::Result<Box<dyn BufRead + Send>> {
    let consumed = Arc::new(AtomicU64::new(0));
    let counted = Counted {
        inner: input,
        consumed: Arc::clone(&consumed),
    };
    let mut input = BufReader::with_capacity(1 << 16, counted);
    let kind = Compression::sniff(input.fill_buf()?);
    let decoded: Box<dyn Read + Send> = match kind {
        Compression::None => return Ok(Box::new(input)),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Compression::Zstd => {
            Box::new(ruzstd::decoding::StreamingDecoder::new(input).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad zstd header: {e}"))
            })?)
        }
    };
    Ok(Box::new(BufReader::with_capacity(
        1 << 16,
        RatioLimit {
            decoded,
            consumed,
            produced: 0,
            refused: false,
        },
    )))
}

/// Counts the compressed bytes read.
struct Counted<R> {
    inner: R,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Decompressed output, refused once it outgrows [`MAX_RATIO`] times the compressed input.
struct RatioLimit {
    decoded: Box<dyn Read + Send>,
    consumed: Arc<AtomicU64>,
    produced: u64,
    refused: bool,
}

impl RatioLimit {
    fn bomb(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "decompresses to over {MAX_RATIO} times its compressed size ({} MiB from {} KiB); refused as a decompression bomb",
                self.produced >> 20,
                self.consumed.load(Ordering::Relaxed) >> 10
            ),
        )
    }
}

impl Read for RatioLimit {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.refused {
            return Err(self.bomb());
        }
        let n = self.decoded.read(buf)?;
        self.produced += n as u64;
        let allowed = RATIO_FREE.max(self.consumed.load(Ordering::Relaxed) * MAX_RATIO);
        if self.produced > allowed {
            self.refused = true;
            return Err(self.bomb());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(bytes: Vec<u8>) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        decompress(io::Cursor::new(bytes))?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn gzip_members_and_plain_pass_through() {
        let mut gz = Vec::new();
        for part in ["first ", "second"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        assert_eq!(read_all(gz).unwrap(), b"first second");
        assert_eq!(read_all(b"plain".to_vec()).unwrap(), b"plain");
        assert_eq!(strip_compression_extension("a.warc.GZ"), "a.warc");
        assert_eq!(strip_compression_extension("a.jsonl.zst"), "a.jsonl");
    }

    #[test]
    fn zstd_frames_decode() {
        // "hello\n" as one raw-block zstd frame (header, raw block of 6 bytes, no checksum).
        let frame = [
            0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x06, 0x31, 0x00, 0x00, b'h', b'e', b'l', b'l', b'o',
            b'\n',
        ];
        assert_eq!(read_all(frame.to_vec()).unwrap(), b"hello\n");
    }

    /// A zstd frame of `blocks` RLE blocks of 128 KiB of `byte` each: 4 bytes a block.
    fn zstd_bomb(blocks: usize, byte: u8) -> Vec<u8> {
        // Magic, frame header without content size, window 128 KiB.
        let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
        for k in 0..blocks {
            let last = u32::from(k + 1 == blocks);
            let header = (128u32 << 10) << 3 | 1 << 1 | last;
            frame.extend_from_slice(&header.to_le_bytes()[..3]);
            frame.push(byte);
        }
        frame
    }

    #[test]
    fn decompression_bombs_are_refused_after_a_bounded_output() {
        // 1 GiB of newlines from 32 KiB of zstd; 1 GiB of zeros from 1 MiB of gzip members.
        let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        member.write_all(&vec![0; 1 << 20]).unwrap();
        let member = member.finish().unwrap();
        for bomb in [zstd_bomb(8 << 10, b'\n'), member.repeat(1 << 10)] {
            let mut reader = decompress(io::Cursor::new(bomb)).unwrap();
            let mut out = 0usize;
            let mut chunk = vec![0; 1 << 16];
            let err = loop {
                match reader.read(&mut chunk) {
                    Ok(0) => panic!("the bomb was read whole"),
                    Ok(n) => out += n,
                    Err(e) => break e,
                }
            };
            assert!(out < 64 << 20, "{out} bytes before the refusal");
            assert!(err.to_string().contains("decompression bomb"), "{err}");
            assert!(reader.read(&mut chunk).is_err(), "the refusal is final");
        }
        // A reader over a refused stream reports it once, at its line, and stops.
        let lines = crate::read_jsonl(
            "b.jsonl",
            decompress(io::Cursor::new(zstd_bomb(8 << 10, b'\n'))).unwrap(),
        );
        let got: Vec<_> = lines.collect();
        assert_eq!(got.len(), 1);
        let err = got[0].as_ref().unwrap_err().to_string();
        assert!(
            err.starts_with("b.jsonl:") && err.contains("decompression bomb"),
            "{err}"
        );
        // Repetitive text well within the ratio reads whole.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&b"Rebels attacked the town. ".repeat(20_000))
            .unwrap();
        assert_eq!(read_all(e.finish().unwrap()).unwrap().len(), 26 * 20_000);
    }

    #[test]
    fn truncated_or_corrupt_streams_are_errors() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&[b'x'; 10_000]).unwrap();
        let gz = e.finish().unwrap();
        assert!(read_all(gz[..gz.len() / 2].to_vec()).is_err());
        assert!(read_all(vec![0x28, 0xb5, 0x2f, 0xfd, 0xff]).is_err());
    }
}
