/*
 * test_quic.c - QUIC Initial decryption and CRYPTO reassembly: RFC 9001 /
 * RFC 9369 vectors, split/shuffled/duplicated/broken input, ndpi pcaps.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <pcap/pcap.h>

#include "dpi/quic.h"
#include "test.h"

#define SCRATCH_CAP	16384
#define PCAP_DIR	"../shared/pcap/ndpi"

static uint8_t scratch[SCRATCH_CAP];
static uint32_t key_version;	/* protect(): keys of this version if set */

/* RFC 9001 A.2 / RFC 9369 A.2: DCID, CRYPTO frame (ClientHello for
 * "example.com", offset 0, 241 bytes), then PADDING to 1162 bytes. */
static const char rfc_dcid[] = "8394c8f03e515708";
static const char rfc_frames[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

/* RFC 9001 A.2: the protected client Initial (1200 bytes) */
static const char rfc9001_packet[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934";

/* RFC 9369 A.2: the same ClientHello as a QUIC v2 client Initial (1200 bytes) */
static const char rfc9369_packet[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc";

/* draft-ietf-quic-tls-29 A.2: client Initial, SNI "server" (1200 bytes) */
static const char draft29_packet[] =
    "c5ff00001d088394c8f03e5157080000449e4a95245bfb66bc5f93032b7ddd89"
    "fe0ff15d9c4f7050fccdb71c1cd80512d4431643a53aafa1b0b518b44968b18b"
    "8d3e7a4d04c30b3ed9410325b2abb2dafb1c12f8b70479eb8df98abcaf95dd8f"
    "3d1c78660fbc719f88b23c8aef6771f3d50e10fdfb4c9d92386d44481b6c52d5"
    "9e5538d3d3942de9f13a7f8b702dc31724180da9df22714d01003fc5e3d165c9"
    "50e630b8540fbd81c9df0ee63f94997026c4f2e1887a2def79050ac2d86ba318"
    "e0b3adc4c5aa18bcf63c7cf8e85f569249813a2236a7e72269447cd1c755e451"
    "f5e77470eb3de64c8849d292820698029cfa18e5d66176fe6e5ba4ed18026f90"
    "900a5b4980e2f58e39151d5cd685b10929636d4f02e7fad2a5a458249f5c0298"
    "a6d53acbe41a7fc83fa7cc01973f7a74d1237a51974e097636b6203997f921d0"
    "7bc1940a6f2d0de9f5a11432946159ed6cc21df65c4ddd1115f86427259a196c"
    "7148b25b6478b0dc7766e1c4d1b1f5159f90eabc61636226244642ee148b464c"
    "9e619ee50a5e3ddc836227cad938987c4ea3c1fa7c75bbf88d89e9ada642b2b8"
    "8fe8107b7ea375b1b64889a4e9e5c38a1c896ce275a5658d250e2d76e1ed3a34"
    "ce7e3a3f383d0c996d0bed106c2899ca6fc263ef0455e74bb6ac1640ea7bfedc"
    "59f03fee0e1725ea150ff4d69a7660c5542119c71de270ae7c3ecfd1af2c4ce5"
    "51986949cc34a66b3e216bfe18b347e6c05fd050f85912db303a8f054ec23e38"
    "f44d1c725ab641ae929fecc8e3cefa5619df4231f5b4c009fa0c0bbc60bc75f7"
    "6d06ef154fc8577077d9d6a1d2bd9bf081dc783ece60111bea7da9e5a9748069"
    "d078b2bef48de04cabe3755b197d52b32046949ecaa310274b4aac0d008b1948"
    "c1082cdfe2083e386d4fd84c0ed0666d3ee26c4515c4fee73433ac703b690a9f"
    "7bf278a77486ace44c489a0c7ac8dfe4d1a58fb3a730b993ff0f0d61b4d89557"
    "831eb4c752ffd39c10f6b9f46d8db278da624fd800e4af85548a294c1518893a"
    "8778c4f6d6d73c93df200960104e062b388ea97dcf4016bced7f62b4f062cb6c"
    "04c20693d9a0e3b74ba8fe74cc01237884f40d765ae56a51688d985cf0ceaef4"
    "3045ed8c3f0c33bced08537f6882613acd3b08d665fce9dd8aa73171e2d3771a"
    "61dba2790e491d413d93d987e2745af29418e428be34941485c93447520ffe23"
    "1da2304d6a0fd5d07d0837220236966159bef3cf904d722324dd852513df39ae"
    "030d8173908da6364786d3c1bfcb19ea77a63b25f1e7fc661def480c5d00d444"
    "56269ebd84efd8e3a8b2c257eec76060682848cbf5194bc99e49ee75e4d0d254"
    "bad4bfd74970c30e44b65511d4ad0e6ec7398e08e01307eeeea14e46ccd87cf3"
    "6b285221254d8fc6a6765c524ded0085dca5bd688ddf722e2c0faf9d0fb2ce7a"
    "0c3f2cee19ca0ffba461ca8dc5d2c8178b0762cf67135558494d2a96f1a139f0"
    "edb42d2af89a9c9122b07acbc29e5e722df8615c343702491098478a389c9872"
    "a10b0c9875125e257c7bfdf27eef4060bd3d00f4c14fd3e3496c38d3c5d1a566"
    "8c39350effbc2d16ca17be4ce29f02ed969504dda2a8c6b9ff919e693ee79e09"
    "089316e7d1d89ec099db3b2b268725d888536a4b8bf9aee8fb43e82a4d919d48"
    "43b1ca70a2d8d3f725ead1391377dcc0";

/* tshark -r F -Y quic -T fields -e udp.srcport
 *     -e tls.handshake.extensions_server_name (TShark 4.0.17) */
struct sni_exp {
	uint16_t	 port;		/* client UDP source port */
	const char	*sni;
};
static const struct sni_exp exp_v2[] = { { 42086, "test" } };
static const struct sni_exp exp_d29[] = { { 36588, "localhost" } };
static const struct sni_exp exp_craziness[] = {
	{ 35124, "s-img.adskeeper.co.uk" }, { 38331, "litepages.googlezip.net" },
	{ 43427, "optimizationguide-pa.googleapis.com" }, { 44252, "accounts.google.com" },
	{ 45652, "content-autofill.googleapis.com" }, { 49153, "dns.google" },
	{ 49217, "safebrowsing.googleapis.com" }, { 49324, "pagead2.googlesyndication.com" },
	{ 49521, "clientservices.googleapis.com" }, { 49689, "www.google.com" },
	{ 49860, "b1.nel.goog" }, { 49867, "content-autofill.googleapis.com" },
	{ 49880, "update.googleapis.com" }, { 49926, "r5---sn-vh5ouxa-hju6.googlevideo.com" },
	{ 50023, "www.youtube.com" }, { 50073, "r3---sn-vh5ouxa-hjud.googlevideo.com" },
	{ 50224, "www.googleapis.com" }, { 50423, "www.google.com" },
	{ 50482, "yt3.ggpht.com" }, { 50540, "i.ytimg.com" },
	{ 50552, "beacons.gvt2.com" }, { 50588, "update.googleapis.com" },
	{ 51053, "content-autofill.googleapis.com" }, { 51075, "pagead2.googlesyndication.com" },
	{ 51248, "beacons.gcp.gvt2.com" }, { 51296, "beacons.gcp.gvt2.com" },
	{ 51456, "clientservices.googleapis.com" }, { 51619, "clientservices.googleapis.com" },
	{ 51856, "media.fmct2-1.fna.whatsapp.net" }, { 52273, "r3---sn-vh5ouxa-hju6.googlevideo.com" },
	{ 52387, "pagead2.googlesyndication.com" }, { 52396, "dns.google" },
	{ 52512, "safebrowsing.googleapis.com" }, { 52942, "clients2.google.com" },
	{ 53127, "b1.nel.goog" }, { 53260, "clientservices.googleapis.com" },
	{ 53404, "update.googleapis.com" }, { 53431, "fonts.gstatic.com" },
	{ 54016, "dns.google" }, { 54120, "dns.google" },
	{ 54449, "beacons3.gvt2.com" }, { 54692, "www.freearabianporn.com" },
	{ 55066, "fonts.gstatic.com" }, { 55273, "clients4.google.com" },
	{ 55376, "www.google.com" }, { 55479, "clientservices.googleapis.com" },
	{ 55561, "googleads.g.doubleclick.net" }, { 55572, "googleads.g.doubleclick.net" },
	{ 55637, "r3---sn-hju7enel.googlevideo.com" }, { 55844, "android.clients.google.com" },
	{ 56384, "pagead2.googlesyndication.com" }, { 56425, "r1---sn-vh5ouxa-hjuk.googlevideo.com" },
	{ 56488, "www.youtube.com" }, { 56528, "update.googleapis.com" },
	{ 56683, "b1.nel.goog" }, { 56844, "b1.nel.goog" },
	{ 57066, "clientservices.googleapis.com" }, { 57319, "android.clients.google.com" },
	{ 57398, "www.googleadservices.com" }, { 57565, "r2---sn-vh5ouxa-hjuk.googlevideo.com" },
	{ 57735, "ade.googlesyndication.com" }, { 57767, "r11---sn-vh5ouxa-hjuk.googlevideo.com" },
	{ 58123, "accounts.google.com" }, { 58337, "clientservices.googleapis.com" },
	{ 58351, "www.gstatic.com" }, { 58414, "dns.google" },
	{ 58429, "static.doubleclick.net" }, { 58703, "android.clients.google.com" },
	{ 58832, "googleads.g.doubleclick.net" }, { 58956, "beacons.gcp.gvt2.com" },
	{ 59048, "accounts.google.com" }, { 59206, "ogs.google.com" },
	{ 59327, "dns.google" }, { 59622, "dns.google" },
	{ 59680, "googleads.g.doubleclick.net" }, { 59785, "beacons.gcp.gvt2.com" },
	{ 59827, "www.googleadservices.com" }, { 59965, "r1---sn-vh5ouxa-hju6.googlevideo.com" },
	{ 60342, "suggestqueries-clients6.youtube.com" }, { 60551, "beacons.gvt2.com" },
	{ 60809, "suggestqueries-clients6.youtube.com" }, { 60896, "www.google.com" },
	{ 60919, "adservice.google.com" }, { 60934, "beacons.gcp.gvt2.com" },
	{ 60936, "suggestqueries-clients6.youtube.com" }, { 60949, "content-autofill.googleapis.com" },
	{ 61089, "clientservices.googleapis.com" }, { 61202, "safebrowsing.googleapis.com" },
	{ 61209, "www.googleadservices.com" }, { 61286, "safebrowsing.googleapis.com" },
	{ 61341, "r9---sn-vh5ouxa-hjuk.googlevideo.com" }, { 61484, "ogs.google.com" },
	{ 61647, "sb-ssl.google.com" }, { 61886, "adservice.google.com" },
	{ 62047, "beacons4.gvt2.com" }, { 62114, "safebrowsing.googleapis.com" },
	{ 62652, "static.doubleclick.net" }, { 62719, "lh4.googleusercontent.com" },
	{ 62818, "clientservices.googleapis.com" }, { 63136, "suggestqueries-clients6.youtube.com" },
	{ 63163, "update.googleapis.com" }, { 63507, "clients2.googleusercontent.com" },
	{ 63736, "r4---sn-vh5ouxa-hjud.googlevideo.com" }, { 63925, "beacons2.gvt2.com" },
	{ 64134, "www.google.com" }, { 64497, "beacons.gvt2.com" },
	{ 64693, "b1.nel.goog" }, { 64700, "r9---sn-vh5ouxa-hjuk.googlevideo.com" },
	{ 64964, "accounts.google.com" }, { 64976, "r1---sn-hju7enel.googlevideo.com" },
	{ 65186, "www.youtube.com" }, { 65360, "googleads.g.doubleclick.net" },
	{ 65391, "fonts.gstatic.com" }, 
};

/* unhex(s, out, cap): decode hex ${s} into ${out}; returns the length. */
static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (s[0] != '\0' && s[1] != '\0' && n < cap) {
		if (sscanf(s, "%2x", &b) != 1)
			break;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

/* The RFC ClientHello: the CRYPTO frame's data (4-byte frame header cut). */
static size_t
rfc_hello(uint8_t *ch, size_t cap)
{
	uint8_t fr[512];
	size_t n = unhex(rfc_frames, fr, sizeof(fr));

	memcpy(ch, fr + 4, n - 4 < cap ? n - 4 : cap);
	return n - 4;
}

/* put_crypto(p, off, data, len): CRYPTO frame, 4-byte varints.  Length. */
static size_t
put_crypto(uint8_t *p, uint32_t off, const uint8_t *data, size_t len)
{
	p[0] = 0x06;
	p[1] = (uint8_t)(0x80 | (off >> 24));
	p[2] = (uint8_t)(off >> 16);
	p[3] = (uint8_t)(off >> 8);
	p[4] = (uint8_t)off;
	p[5] = 0x80;
	p[6] = 0;
	p[7] = (uint8_t)(len >> 8);
	p[8] = (uint8_t)len;
	memcpy(p + 9, data, len);
	return 9 + len;
}

/*
 * protect(version, dcid, dlen, pn, pn_len, frames, flen, pad, out):
 * Build a client Initial (empty SCID and token) whose payload is ${frames}
 * zero-padded to ${pad} bytes, protected with libcrypto directly.  Keys
 * come from quic_initial_keys() (checked against the RFCs separately).
 * Returns the packet length or 0.
 */
static size_t
protect(uint32_t version, const uint8_t *dcid, size_t dlen, uint32_t pn,
    size_t pn_len, const uint8_t *frames, size_t flen, size_t pad,
    uint8_t *out)
{
	struct quic_keys k;
	EVP_CIPHER_CTX *ctx;
	uint8_t payload[1500], nonce[12], mask[16];
	size_t hl = 0, plen = flen > pad ? flen : pad, i;
	int outl, ok;

	if (quic_initial_keys(key_version ? key_version : version, dcid, dlen,
	    &k) != 0 || plen > 1400)
		return 0;
	memcpy(payload, frames, flen);
	memset(payload + flen, 0, plen - flen);
	out[hl++] = (uint8_t)(0xc0 | (version == QUIC_V2 ? 0x10 : 0) |
	    (pn_len - 1));
	for (i = 0; i < 4; i++)
		out[hl++] = (uint8_t)(version >> (24 - 8 * i));
	out[hl++] = (uint8_t)dlen;
	memcpy(out + hl, dcid, dlen);
	hl += dlen;
	out[hl++] = 0;			/* SCID length */
	out[hl++] = 0;			/* token length */
	out[hl++] = (uint8_t)(0x40 | ((pn_len + plen + 16) >> 8));
	out[hl++] = (uint8_t)(pn_len + plen + 16);
	for (i = 0; i < pn_len; i++)
		out[hl++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
	memcpy(nonce, k.iv, 12);
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx != NULL &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) &&
	    EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)hl) &&
	    EVP_EncryptUpdate(ctx, out + hl, &outl, payload, (int)plen) &&
	    EVP_EncryptFinal_ex(ctx, out + hl + plen, &outl) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16,
	    out + hl + plen) &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k.hp, NULL) &&
	    EVP_EncryptUpdate(ctx, mask, &outl, out + hl - pn_len + 4, 16);
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < pn_len; i++)
		out[hl - pn_len + i] ^= mask[1 + i];
	return hl + plen + 16;
}

/* feed(st, p, n, out): quic_feed_client() with the shared scratch. */
static int
feed(struct quic_state *st, const uint8_t *p, size_t n, struct tls_hello *out)
{
	return quic_feed_client(st, p, n, scratch, sizeof(scratch), out);
}

TEST(state_is_small)
{
	ASSERT(sizeof(struct quic_state) <= 64);
}

TEST(initial_keys_rfc)
{
	static const struct {
		uint32_t	 v;
		const char	*key, *iv, *hp;
	} vec[] = {
		{ QUIC_V1, "1f369613dd76d5467730efcbe3b1a22d",	/* RFC 9001 A.1 */
		  "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2" },
		{ QUIC_V2, "8b1a0bc121284290a29e0971b5cd045d",	/* RFC 9369 A.1 */
		  "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9" },
		{ QUIC_DRAFT29, "175257a31eb09dea9366d8bb79ad80ba", /* draft-29 A.1 */
		  "6b26114b9cba2b63a9e8dd4f", "9ddd12c994c0698b89374a9c077a3077" },
	};
	struct quic_keys k;
	uint8_t dcid[8], want[16];
	size_t i;

	unhex(rfc_dcid, dcid, sizeof(dcid));
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		ASSERT_EQ(quic_initial_keys(vec[i].v, dcid, 8, &k), 0);
		ASSERT_EQ(unhex(vec[i].key, want, 16), 16);
		ASSERT(memcmp(k.key, want, 16) == 0);
		ASSERT_EQ(unhex(vec[i].iv, want, 12), 12);
		ASSERT(memcmp(k.iv, want, 12) == 0);
		ASSERT_EQ(unhex(vec[i].hp, want, 16), 16);
		ASSERT(memcmp(k.hp, want, 16) == 0);
	}
	ASSERT_EQ(quic_initial_keys(0x12345678, dcid, 8, &k), -ENOTSUP);
	ASSERT_EQ(quic_initial_keys(QUIC_V1, dcid, 21, &k), -EINVAL);
}

/* one_packet(hex, version, sni): feed one vector datagram, expect ${sni}. */
static int
one_packet(const char *hex, uint32_t version, const char *sni)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[1300];
	size_t n = unhex(hex, pkt, sizeof(pkt));

	memset(&st, 0, sizeof(st));
	if (n != 1200 || feed(&st, pkt, n, &out) != QUIC_FEED_HELLO)
		return 0;
	if (strcmp(out.sni, sni) != 0 || st.version != version || !st.done)
		return 0;
	return feed(&st, pkt, n, &out) == -EALREADY;
}

TEST(rfc9001_client_initial)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[1300];
	size_t n = unhex(rfc9001_packet, pkt, sizeof(pkt));

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
	ASSERT_EQ(st.version, QUIC_V1);
	ASSERT_EQ(st.hs_len, 241);
	ASSERT_EQ(st.dcid_len, 8);
	ASSERT_EQ(st.n_initial, 1);
	ASSERT_EQ(scratch[0], 1);	/* the hello is left at scratch[0] */
	ASSERT(one_packet(rfc9001_packet, QUIC_V1, "example.com"));
}

TEST(rfc9369_v2_client_initial)
{
	ASSERT(one_packet(rfc9369_packet, QUIC_V2, "example.com"));
}

TEST(draft29_client_initial)
{
	ASSERT(one_packet(draft29_packet, QUIC_DRAFT29, "server"));
}

/* The test's own protect() reproduces both RFC packets byte for byte. */
TEST(protect_helper_matches_rfc)
{
	uint8_t dcid[8], fr[512], pkt[1300], want[1300];
	size_t fl = unhex(rfc_frames, fr, sizeof(fr));

	unhex(rfc_dcid, dcid, sizeof(dcid));
	ASSERT_EQ(protect(QUIC_V1, dcid, 8, 2, 4, fr, fl, 1162, pkt), 1200);
	ASSERT_EQ(unhex(rfc9001_packet, want, sizeof(want)), 1200);
	ASSERT(memcmp(pkt, want, 1200) == 0);
	ASSERT_EQ(protect(QUIC_V2, dcid, 8, 2, 4, fr, fl, 1162, pkt), 1200);
	ASSERT_EQ(unhex(rfc9369_packet, want, sizeof(want)), 1200);
	ASSERT(memcmp(pkt, want, 1200) == 0);
}

/* Two Initials carrying CRYPTO [0,120) and [120,241) in pkt[0] / pkt[1]. */
static void
split_hello(uint32_t version, uint8_t pkt[2][1300], size_t len[2])
{
	uint8_t dcid[8], ch[300], fr[400];
	size_t chl = rfc_hello(ch, sizeof(ch)), n;

	unhex(rfc_dcid, dcid, sizeof(dcid));
	n = put_crypto(fr, 0, ch, 120);
	len[0] = protect(version, dcid, 8, 0, 1, fr, n, 1162, pkt[0]);
	n = put_crypto(fr, 120, ch + 120, chl - 120);
	len[1] = protect(version, dcid, 8, 1, 2, fr, n, 1162, pkt[1]);
}

TEST(split_two_datagrams_reverse_order)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[2][1300];
	size_t len[2];

	split_hello(QUIC_V2, pkt, len);
	ASSERT_EQ(len[0], 1197);	/* 1-byte packet number */
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt[1], len[1], &out), QUIC_FEED_MORE);
	ASSERT_EQ(st.have, 0);
	ASSERT_EQ(feed(&st, pkt[0], len[0], &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
	ASSERT_EQ(st.version, QUIC_V2);
	ASSERT_EQ(st.n_initial, 2);
	ASSERT_EQ(st.pn_next, 2);
}

TEST(duplicate_datagram)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[2][1300];
	size_t len[2];

	split_hello(QUIC_V1, pkt, len);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt[0], len[0], &out), QUIC_FEED_MORE);
	ASSERT_EQ(feed(&st, pkt[0], len[0], &out), QUIC_FEED_MORE);
	ASSERT_EQ(st.have, 120);
	ASSERT_EQ(st.hs_len, 241);
	ASSERT_EQ(feed(&st, pkt[1], len[1], &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
	ASSERT_EQ(feed(&st, pkt[1], len[1], &out), -EALREADY);
}

/* CRYPTO frames out of order and overlapping, with PING/ACK/PADDING. */
TEST(shuffled_frames_one_packet)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t dcid[8], ch[300], fr[1000], pkt[1300];
	size_t chl = rfc_hello(ch, sizeof(ch)), n = 0, len;
	static const uint8_t ack[] = { 0x03, 0x05, 0x00, 0x01, 0x00, 0x01,
	    0x00, 0x00, 0x00, 0x00 };	/* ACK_ECN, 1 extra range, 3 counts */

	unhex(rfc_dcid, dcid, sizeof(dcid));
	n += put_crypto(fr + n, 200, ch + 200, chl - 200);
	fr[n++] = 0x01;					/* PING */
	n += put_crypto(fr + n, 0, ch, 50);
	memset(fr + n, 0, 7);				/* PADDING run */
	n += 7;
	n += put_crypto(fr + n, 100, ch + 100, 100);
	memcpy(fr + n, ack, sizeof(ack));
	n += sizeof(ack);
	n += put_crypto(fr + n, 40, ch + 40, 70);	/* overlaps both sides */
	n += put_crypto(fr + n, 0, ch, 10);		/* duplicate */
	len = protect(QUIC_V1, dcid, 8, 0, 1, fr, n, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
}

/* Coalesced: Initial + Handshake (unreadable, skipped by Length) + Initial,
 * then datagram padding. */
TEST(coalesced_packets)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[2][1300], dg[3000];
	size_t len[2], n = 0;
	uint8_t dcid[8], fr[64];

	unhex(rfc_dcid, dcid, sizeof(dcid));
	memset(fr, 0, sizeof(fr));
	split_hello(QUIC_V1, pkt, len);
	memcpy(dg, pkt[0], len[0]);
	n = len[0];
	/* Handshake header: type 2, DCID, empty SCID, Length 40. */
	dg[n++] = 0xe0;
	memcpy(dg + n, "\x00\x00\x00\x01\x08", 5);
	n += 5;
	memcpy(dg + n, dcid, 8);
	n += 8;
	dg[n++] = 0;
	dg[n++] = 40;
	memset(dg + n, 0xa5, 40);
	n += 40;
	memcpy(dg + n, pkt[1], len[1]);
	n += len[1];
	memset(dg + n, 0, 30);
	n += 30;
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, dg, n, &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
}

TEST(truncated_datagram)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[1300];
	size_t n = unhex(rfc9001_packet, pkt, sizeof(pkt)), cut;
	int rc;

	for (cut = 0; cut < n; cut++) {
		memset(&st, 0, sizeof(st));
		rc = feed(&st, pkt, cut, &out);
		ASSERT(rc == QUIC_FEED_MORE || rc == QUIC_FEED_NOT_QUIC);
		if (cut >= 15)		/* header through the DCID */
			ASSERT_EQ(rc, QUIC_FEED_MORE);
	}
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, 600, &out), QUIC_FEED_MORE);
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
}

/* Garbage: random bytes, random bytes behind a v1 long header, and a
 * corrupted ciphertext; nothing may crash or yield a hello. */
TEST(garbage)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[1300];
	uint32_t seed = 12345;
	size_t n, i;
	int round, rc;

	for (round = 0; round < 300; round++) {
		n = 1 + (size_t)round * 4;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			pkt[i] = (uint8_t)(seed >> 16);
		}
		if (round & 1 && n > 6)
			memcpy(pkt, "\xc3\x00\x00\x00\x01\x08", 6);
		memset(&st, 0, sizeof(st));
		rc = feed(&st, pkt, n, &out);
		ASSERT(rc == QUIC_FEED_MORE || rc == QUIC_FEED_NOT_QUIC);
	}
	n = unhex(rfc9001_packet, pkt, sizeof(pkt));
	pkt[500] ^= 0x40;
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_MORE);
	ASSERT_EQ(st.dcid_len, 0);
	ASSERT_EQ(st.n_initial, 1);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, (const uint8_t *)"GET / HTTP/1.1\r\n", 16, &out),
	    QUIC_FEED_NOT_QUIC);
	ASSERT_EQ(st.done, 2);
}

TEST(wrong_version)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[1300];
	size_t n = unhex(rfc9001_packet, pkt, sizeof(pkt));

	memcpy(pkt + 1, "\x12\x34\x56\x78", 4);
	ASSERT(!quic_looks_like(pkt, n, NULL));
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_NOT_QUIC);
	/* A reserved version forcing negotiation, then the real Initial. */
	memcpy(pkt + 1, "\x1a\x2a\x3a\x4a", 4);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_MORE);
	ASSERT_EQ(st.version, 0x1a2a3a4a);
	unhex(rfc9001_packet, pkt, sizeof(pkt));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_HELLO);
	ASSERT_EQ(st.version, QUIC_V1);
}

/* Reserved versions carrying data: v1 salt or draft-29 salt. */
TEST(reserved_version_with_data)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t dcid[8], fr[512], pkt[1300];
	size_t fl = unhex(rfc_frames, fr, sizeof(fr)), n;

	unhex(rfc_dcid, dcid, sizeof(dcid));
	n = protect(0x0a0a0a0a, dcid, 8, 0, 4, fr, fl, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_HELLO);
	ASSERT_STR(out.sni, "example.com");
	key_version = QUIC_DRAFT29;
	n = protect(0x3a4a5a6a, dcid, 8, 0, 4, fr, fl, 1162, pkt);
	key_version = 0;
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, n, &out), QUIC_FEED_HELLO);
	ASSERT_EQ(st.version, 0x3a4a5a6a);
}

TEST(short_header)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t pkt[2][1300], sh[100];
	size_t len[2];

	memset(sh, 0x5a, sizeof(sh));
	sh[0] = 0x43;
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, sh, sizeof(sh), &out), QUIC_FEED_NOT_QUIC);
	split_hello(QUIC_V1, pkt, len);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt[0], len[0], &out), QUIC_FEED_MORE);
	ASSERT_EQ(feed(&st, sh, sizeof(sh), &out), QUIC_FEED_MORE);
	ASSERT_EQ(feed(&st, pkt[1], len[1], &out), QUIC_FEED_HELLO);
}

TEST(limits)
{
	struct quic_state st;
	struct tls_hello out;
	uint8_t dcid[8], ch[300], fr[600], pkt[1300];
	size_t chl = rfc_hello(ch, sizeof(ch)), n, len;
	int i;

	unhex(rfc_dcid, dcid, sizeof(dcid));
	/* At most QUIC_MAX_INITIALS undecryptable Initials. */
	len = unhex(rfc9001_packet, pkt, sizeof(pkt));
	pkt[700] ^= 1;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < QUIC_MAX_INITIALS; i++)
		ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_MORE);
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_NOT_QUIC);
	/* A CRYPTO offset far beyond the scratch is dropped. */
	n = put_crypto(fr, 0x3fffff00u, ch, 100);
	n += put_crypto(fr + n, 0, ch, chl);
	len = protect(QUIC_V1, dcid, 8, 0, 1, fr, n, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_HELLO);
	/* A ClientHello longer than the scratch gives up. */
	memcpy(fr, "\x01\xff\xff\xff", 4);
	n = put_crypto(fr + 100, 0, fr, 4);
	len = protect(QUIC_V1, dcid, 8, 0, 1, fr + 100, n, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_NOT_QUIC);
	/* Not a ClientHello (ServerHello type). */
	memcpy(fr, "\x02\x00\x00\x10", 4);
	len = protect(QUIC_V1, dcid, 8, 0, 1, fr + 100, n, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_NOT_QUIC);
	/* CONNECTION_CLOSE ends the frame walk. */
	memcpy(fr, "\x1c\x0a\x06\x00", 4);
	n = 4 + put_crypto(fr + 4, 0, ch, chl);
	len = protect(QUIC_V1, dcid, 8, 0, 1, fr, n, 1162, pkt);
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(feed(&st, pkt, len, &out), QUIC_FEED_MORE);
	ASSERT_EQ(st.have, 0);
	/* Bad arguments. */
	ASSERT_EQ(quic_feed_client(&st, pkt, len, scratch, 100, &out), -EINVAL);
	ASSERT_EQ(quic_feed_client(&st, pkt, len, scratch, 9000, &out),
	    -EINVAL);
}

TEST(looks_like_and_version_str)
{
	uint8_t pkt[1300];
	uint32_t v = 0;
	char buf[16];

	ASSERT_EQ(unhex(rfc9369_packet, pkt, sizeof(pkt)), 1200);
	ASSERT(quic_looks_like(pkt, 1200, &v));
	ASSERT_EQ(v, QUIC_V2);
	ASSERT(!quic_looks_like(pkt, 6, &v));
	pkt[0] &= 0xbf;				/* fixed bit clear */
	ASSERT(!quic_looks_like(pkt, 1200, &v));
	memcpy(pkt, "\x80\x00\x00\x00\x00\x08", 6);	/* Version Negotiation */
	ASSERT(quic_looks_like(pkt, 1200, &v));
	ASSERT_EQ(v, 0);
	pkt[0] = 0x40;				/* short header */
	ASSERT(!quic_looks_like(pkt, 1200, &v));
	ASSERT_STR(quic_version_str(QUIC_V1, buf, sizeof(buf)), "v1");
	ASSERT_STR(quic_version_str(QUIC_V2, buf, sizeof(buf)), "v2");
	ASSERT_STR(quic_version_str(QUIC_DRAFT29, buf, sizeof(buf)),
	    "draft-29");
	ASSERT_STR(quic_version_str(0xfaceb002, buf, sizeof(buf)),
	    "0xfaceb002");
	ASSERT_STR(quic_version_str(1, buf, 2), "v");
}

/* --- pcaps from nDPI's test suite, compared with tshark ---------------- */

struct pflow {
	uint8_t			 cli[16], srv[16];
	uint16_t		 cport, sport;
	struct quic_state	 st;
	uint8_t			*scratch;
	char			 sni[TLS_SNI_MAX + 1];
};

#define MAX_PFLOWS	256

/* udp_payload(dlt, p, n, ...): strip link/IP/UDP; 0 or -1 if not UDP. */
static int
udp_payload(int dlt, const uint8_t *p, size_t n, uint8_t src[16],
    uint8_t dst[16], uint16_t ports[2], const uint8_t **pl, size_t *pll)
{
	size_t off, ihl, ulen;
	uint16_t et = 0;

	if (dlt == DLT_EN10MB && n >= 14) {
		et = (uint16_t)(p[12] << 8 | p[13]);
		off = 14;
		while ((et == 0x8100 || et == 0x88a8) && n >= off + 4) {
			et = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
			off += 4;
		}
	} else if (dlt == DLT_LINUX_SLL && n >= 16) {
		et = (uint16_t)(p[14] << 8 | p[15]);
		off = 16;
	} else if (dlt == DLT_LINUX_SLL2 && n >= 20) {
		et = (uint16_t)(p[0] << 8 | p[1]);
		off = 20;
	} else
		return -1;
	memset(src, 0, 16);
	memset(dst, 0, 16);
	if (et == 0x0800 && n >= off + 20 && (p[off] >> 4) == 4) {
		ihl = (size_t)(p[off] & 15) * 4;
		if (p[off + 9] != 17 || (p[off + 6] & 0x3f) || p[off + 7] ||
		    n < off + ihl + 8)
			return -1;
		memcpy(src, p + off + 12, 4);
		memcpy(dst, p + off + 16, 4);
		off += ihl;
	} else if (et == 0x86dd && n >= off + 48 && p[off + 6] == 17) {
		memcpy(src, p + off + 8, 16);
		memcpy(dst, p + off + 24, 16);
		off += 40;
	} else
		return -1;
	ports[0] = (uint16_t)(p[off] << 8 | p[off + 1]);
	ports[1] = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	ulen = (size_t)(p[off + 4] << 8 | p[off + 5]);
	if (ulen < 8 || off + ulen > n)
		return -1;
	*pl = p + off + 8;
	*pll = ulen - 8;
	return 0;
}

/* pflow_get(fl, nfl, ...): the flow of this packet (created on its first
 * packet, whose sender is the client); NULL for server packets or when
 * the table is full. */
static struct pflow *
pflow_get(struct pflow *fl, size_t *nfl, const uint8_t src[16],
    const uint8_t dst[16], const uint16_t ports[2])
{
	size_t i;

	for (i = 0; i < *nfl; i++) {
		if (fl[i].cport == ports[0] && fl[i].sport == ports[1] &&
		    !memcmp(fl[i].cli, src, 16) && !memcmp(fl[i].srv, dst, 16))
			return &fl[i];
		if (fl[i].cport == ports[1] && fl[i].sport == ports[0] &&
		    !memcmp(fl[i].cli, dst, 16) && !memcmp(fl[i].srv, src, 16))
			return NULL;
	}
	if (*nfl == MAX_PFLOWS)
		return NULL;
	memset(&fl[i], 0, sizeof(fl[i]));
	memcpy(fl[i].cli, src, 16);
	memcpy(fl[i].srv, dst, 16);
	fl[i].cport = ports[0];
	fl[i].sport = ports[1];
	fl[i].scratch = malloc(QUIC_SCRATCH_MIN);
	(*nfl)++;
	return fl[i].scratch ? &fl[i] : NULL;
}

/*
 * pcap_case(file, exp, nexp): replay ${file}, feed every flow's client
 * datagrams; every (client port, SNI) found must be in ${exp} and every
 * entry of ${exp} found.  Returns the number of mismatches.
 */
static int
pcap_case(const char *file, const struct sni_exp *exp, size_t nexp)
{
	static struct pflow fl[MAX_PFLOWS];
	char path[512], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ph;
	const uint8_t *p, *pl;
	uint8_t src[16], dst[16];
	uint16_t ports[2];
	struct tls_hello out;
	struct pflow *f;
	size_t nfl = 0, pll, i, j, found = 0;
	int bad = 0, dlt;
	pcap_t *pc;

	snprintf(path, sizeof(path), "%s/%s", PCAP_DIR, file);
	if ((pc = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "  %s: %s\n", path, err);
		return 1;
	}
	dlt = pcap_datalink(pc);
	while (pcap_next_ex(pc, &ph, &p) == 1) {
		if (udp_payload(dlt, p, ph->caplen, src, dst, ports, &pl,
		    &pll) != 0 || (f = pflow_get(fl, &nfl, src, dst, ports))
		    == NULL || f->st.done)
			continue;
		if (quic_feed_client(&f->st, pl, pll, f->scratch,
		    QUIC_SCRATCH_MIN, &out) == QUIC_FEED_HELLO)
			snprintf(f->sni, sizeof(f->sni), "%s", out.sni);
	}
	pcap_close(pc);
	for (i = 0; i < nfl; i++) {
		free(fl[i].scratch);
		if (fl[i].sni[0] == '\0')
			continue;
		for (j = 0; j < nexp; j++)
			if (exp[j].port == fl[i].cport &&
			    strcmp(exp[j].sni, fl[i].sni) == 0)
				break;
		if (j == nexp) {
			fprintf(stderr, "  %s: port %u: unexpected \"%s\"\n",
			    file, fl[i].cport, fl[i].sni);
			bad++;
		} else
			found++;
	}
	if (found != nexp) {
		fprintf(stderr, "  %s: %zu of %zu SNIs found\n", file, found,
		    nexp);
		bad++;
	}
	return bad;
}

TEST(ndpi_pcaps_match_tshark)
{
	DIR *d = opendir(PCAP_DIR);

	if (d == NULL) {
		printf("# skip: ../shared absent\n");
		return;
	}
	closedir(d);
	ASSERT_EQ(pcap_case("quic-v2.pcapng", exp_v2, 1), 0);
	ASSERT_EQ(pcap_case("quic-29.pcap", exp_d29, 1), 0);
	ASSERT_EQ(pcap_case(
	    "quic_frags_ch_out_of_order_same_packet_craziness.pcapng",
	    exp_craziness, sizeof(exp_craziness) / sizeof(exp_craziness[0])),
	    0);
}

int
main(void)
{
	RUN(state_is_small);
	RUN(initial_keys_rfc);
	RUN(rfc9001_client_initial);
	RUN(rfc9369_v2_client_initial);
	RUN(draft29_client_initial);
	RUN(protect_helper_matches_rfc);
	RUN(split_two_datagrams_reverse_order);
	RUN(duplicate_datagram);
	RUN(shuffled_frames_one_packet);
	RUN(coalesced_packets);
	RUN(truncated_datagram);
	RUN(garbage);
	RUN(wrong_version);
	RUN(reserved_version_with_data);
	RUN(short_header);
	RUN(limits);
	RUN(looks_like_and_version_str);
	RUN(ndpi_pcaps_match_tshark);
	quic_thread_cleanup();
	return TEST_END();
}
