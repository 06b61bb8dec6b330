#!/bin/sh
# gen.sh DIR — make the differential corpus with the real CLI: for every
# (BE,BS) x userVerification x alg x attestation the issue names, one
# registration and two consecutive assertions, each from `fidosim create` /
# `fidosim get` with its own store. Writes DIR/<case>.json:
# {name, rpId, origin, uv, want{aaguid,fmt,be,bs,alg}, registration{challenge,response},
#  authentications[{challenge,response}x2]}.
set -eu
F=${FIDOSIM:-build/fidosim}
DIR=$1
mkdir -p "$DIR"
AAGUID=5ca1ab1e-0000-4000-8000-00000000f1d0
rnd() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n' | python3 -c "import sys,base64; print(base64.urlsafe_b64encode(bytes.fromhex(sys.stdin.read())).rstrip(b'=').decode())"; }
n=0
for bebs in 0,0 1,0 1,1; do
	be=${bebs%,*}; bs=${bebs#*,}
	for uv in required discouraged; do
		for alg in es256 eddsa rs256 es384 mldsa44 mldsa65 mldsa87 ps384 ps512 rs1; do
			for att in none packed-self packed fido-u2f; do
				[ "$att" = fido-u2f ] && [ "$alg" != es256 ] && continue
				# ML-DSA (issue 12): each set with every statement, once (BE=BS=1, UV required)
				case $alg in mldsa*) [ "$bebs" = 1,1 ] && [ "$uv" = required ] || continue ;; esac
				# RS1, PS384, PS512 (issue 12): RSA-2048 keys are slow to make; one BE/BS and UV
				case $alg in ps384|ps512|rs1) [ "$bebs$uv" = 0,0required ] || continue ;; esac
				case $alg in es256) cose=-7 ;; eddsa) cose=-8 ;; rs256) cose=-257 ;; es384) cose=-35 ;;
				    mldsa44) cose=-48 ;; mldsa65) cose=-49 ;; mldsa87) cose=-50 ;;
				    ps384) cose=-38 ;; ps512) cose=-39 ;; rs1) cose=-65535 ;; esac
				name="be${be}bs${bs}-uv-${uv}-${alg}-${att}"
				store="$DIR/$name.store"
				conv=direct
				[ "$att" = none ] && conv=none
				ch=$(rnd)
				printf '{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcjE","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":%s}],"attestation":"%s","authenticatorSelection":{"userVerification":"%s","residentKey":"discouraged"}}' \
				    "$ch" "$cose" "$conv" "$uv" > "$DIR/opts.json"
				"$F" create --store "$store" --aaguid "$AAGUID" --be "$be" --bs "$bs" --uv auto \
				    --algs "$alg" --attestation-format "$att" "$DIR/opts.json" > "$DIR/reg.json"
				id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$DIR/reg.json")
				for k in 1 2; do
					c=$(rnd)
					printf '{"rpId":"example.org","challenge":"%s","userVerification":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]}' \
					    "$c" "$uv" "$id" > "$DIR/get.json"
					"$F" get --store "$store" --bs "$bs" --uv auto "$DIR/get.json" > "$DIR/auth$k.json"
					echo "$c" > "$DIR/auth$k.ch"
				done
				python3 - "$DIR" "$name" "$ch" "$uv" "$be" "$bs" "$att" "$cose" "$AAGUID" <<'PY'
import json, sys
d, name, ch, uv, be, bs, att, cose, aaguid = sys.argv[1:]
fmt = {"none": "none", "packed-self": "packed", "packed": "packed", "fido-u2f": "fido-u2f"}[att]
want = {"aaguid": "00000000-0000-0000-0000-000000000000" if att == "fido-u2f" else aaguid,
        "fmt": fmt, "be": be == "1", "bs": bs == "1", "alg": int(cose), "attestation": att}
case = {"name": name, "rpId": "example.org", "origin": "https://example.org", "uv": uv, "want": want,
        "registration": {"challenge": ch, "response": json.load(open(d + "/reg.json"))},
        "authentications": [{"challenge": open(d + "/auth%d.ch" % k).read().strip(),
                             "response": json.load(open(d + "/auth%d.json" % k))} for k in (1, 2)]}
json.dump(case, open("%s/%s.json" % (d, name), "w"), indent=1)
PY
				n=$((n + 1))
			done
		done
	done
done
rm -f "$DIR"/reg.json "$DIR"/auth?.json "$DIR"/auth?.ch "$DIR"/get.json "$DIR"/opts.json
echo "generated $n cases in $DIR" >&2
