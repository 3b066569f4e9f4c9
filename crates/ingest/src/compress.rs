//! Transparent decompression: gzip (also multi-member, as in `.warc.gz`) and zstd, recognised by
//! their magic bytes whatever the file is called.

use std::io::{self, BufRead, BufReader, Read};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

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
pub fn decompress(input: impl Read + Send + 'static) -> io::Result<Box<dyn BufRead + Send>> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let kind = Compression::sniff(input.fill_buf()?);
    Ok(match kind {
        Compression::None => Box::new(input),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(input),
        )),
        Compression::Zstd => {
            let decoder = ruzstd::decoding::StreamingDecoder::new(input).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad zstd header: {e}"))
            })?;
            Box::new(BufReader::with_capacity(1 << 16, decoder))
        }
    })
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

    #[test]
    fn truncated_or_corrupt_streams_are_errors() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&[b'x'; 10_000]).unwrap();
        let gz = e.finish().unwrap();
        assert!(read_all(gz[..gz.len() / 2].to_vec()).is_err());
        assert!(read_all(vec![0x28, 0xb5, 0x2f, 0xfd, 0xff]).is_err());
    }
}
