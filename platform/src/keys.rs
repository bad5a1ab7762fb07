//! The site's key for anonymous ids and client addresses: it signs the
//! viewer ids of watch pages (so the live channel accepts only ids this
//! site minted, on any server, without a database lookup) and hashes the
//! client addresses stored for rate limits of the live side. Derived from
//! the session secret, with a label of its own.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes of the signature kept in a signed id (128 bits).
const TAG_BYTES: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// Signs viewer ids and hashes client addresses. Derived from the session
/// secret, so it is a secret too: it is never printed (`Debug` hides it).
#[derive(Clone)]
pub struct SiteKey([u8; 32]);

impl std::fmt::Debug for SiteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SiteKey(***)")
    }
}

impl SiteKey {
    /// The key for a session secret. A keyed hash with a label of its own,
    /// so it differs from the key that signs session cookies.
    pub fn derive(secret: &[u8]) -> SiteKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(b"shuxiang lecture viewer key v1");
        SiteKey(mac.finalize().into_bytes().into())
    }

    /// A key of this process only (cookies it signs die with it).
    pub fn random() -> SiteKey {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SiteKey(key)
    }

    fn mac(&self, label: &[u8], data: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(label);
        mac.update(b"\0");
        mac.update(data.as_bytes());
        mac
    }

    /// A new cookie value: a random id and its signature, `id.tag`.
    pub fn mint(&self) -> String {
        let id = crate::request::random_token();
        let tag = self.mac(b"viewer", &id).finalize().into_bytes();
        format!("{id}.{}", hex(&tag[..TAG_BYTES]))
    }

    /// The viewer id of a cookie value this site signed; `None` for anything
    /// else (unsigned ids of older versions included).
    pub fn verify<'v>(&self, value: &'v str) -> Option<&'v str> {
        let (id, tag) = value.split_once('.')?;
        if !(16..=64).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let tag = unhex(tag)?;
        if tag.len() != TAG_BYTES {
            return None;
        }
        // Compared in constant time by the MAC itself.
        self.mac(b"viewer", id)
            .verify_truncated_left(&tag)
            .ok()
            .map(|()| id)
    }

    /// What is stored for a client address (its rate-limit key): a keyed
    /// hash, so the table holds no address, nor one that a list of all
    /// IPv4 addresses could recover.
    pub fn address_key(&self, limit_key: &str) -> String {
        let tag = self.mac(b"address", limit_key).finalize().into_bytes();
        hex(&tag[..TAG_BYTES])
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_signed_with_the_key_are_accepted() {
        let key = SiteKey::derive(b"a session secret of enough length here");
        let value = key.mint();
        let id = key.verify(&value).expect("own cookie");
        assert_eq!(id.len(), 32);
        assert!(value.starts_with(id));
        // Another site's key, a bare id, a changed id or tag: refused.
        let other = SiteKey::derive(b"another secret of enough length here!");
        assert_eq!(other.verify(&value), None);
        assert_eq!(key.verify(id), None);
        let (_, tag) = value.split_once('.').unwrap();
        assert_eq!(key.verify(&format!("{}.{tag}", "a".repeat(32))), None);
        assert_eq!(key.verify(&format!("{id}.{}", "0".repeat(32))), None);
        assert_eq!(key.verify(&format!("{id}.{}", &tag[..30])), None);
        assert_eq!(key.verify(&format!("{id}.{tag}ff")), None);
        assert_eq!(key.verify(&format!("{id}.é{}", &tag[2..])), None);
        assert_eq!(key.verify(""), None);
    }

    #[test]
    fn the_key_and_addresses_do_not_print_or_leak() {
        let key = SiteKey::derive(b"secret secret secret secret secret");
        assert_eq!(format!("{key:?}"), "SiteKey(***)");
        let a = key.address_key("203.0.113.9");
        assert_eq!(a.len(), 32);
        assert!(!a.contains("203"));
        assert_eq!(a, key.address_key("203.0.113.9"));
        assert_ne!(a, key.address_key("203.0.113.10"));
        assert_ne!(a, SiteKey::random().address_key("203.0.113.9"));
    }
}
