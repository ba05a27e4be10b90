#!/usr/bin/env python3
"""Writes one synthetic architecture twice: as an OWASP pytm model (model.py) and as a tmc
model (model.tm), for benches/compare-pytm.sh.

    python3 benches/pytm_model.py N DIR

N elements in zones of 100, each zone three trust boundaries deep (zone > network > cluster):
actors and external systems in the zone's outer boundary, processes and stores in its
innermost one. 2N flows: each element calls two others picked at random. max(N / 50, 4) data
sets with a classification. Everything comes from a seeded generator, so the same N gives the
same text.

The two files say the same things in each tool's words. Where pytm 1.4.0 forces a choice:
  * pytm's consistency check copies the target element's protocol and encryption onto every
    flow into it, so each element has one protocol for the flows it receives, set on the
    element and on each of those flows (and TLS-like protocols mark both encrypted).
  * pytm's --report crashes when two flows carry the same Data object, so each pytm flow gets
    its own Data (with the name and classification of the data set it stands for); the tmc
    model names the shared data set, as a person would write it.
  * Classifications map public/internal/confidential/restricted to pytm's
    PUBLIC/RESTRICTED/SENSITIVE/SECRET; element controls map to the pytm Controls fields of
    the same meaning (authentication -> implementsAuthenticationScheme, authorization ->
    hasAccessControl, input_validation -> validatesInput).
"""

import os
import random
import sys

PROTOCOLS = ["HTTPS/REST", "gRPC/TLS", "HTTP", "AMQP", "Native/TLS", "SFTP"]
ENCRYPTED = {"HTTPS/REST", "gRPC/TLS", "Native/TLS", "SFTP"}
CLASSES = ["public", "internal", "confidential", "restricted"]
PYTM_CLASS = {
    "public": "PUBLIC",
    "internal": "RESTRICTED",
    "confidential": "SENSITIVE",
    "restricted": "SECRET",
}
CONTROLS = {
    "authentication": "implementsAuthenticationScheme",
    "authorization": "hasAccessControl",
    "input_validation": "validatesInput",
}
PYTM_KIND = {
    "actor": "Actor",
    "external": "ExternalEntity",
    "store": "Datastore",
    "process": "Process",
}
PER_ZONE = 100


def architecture(n):
    """The architecture as plain data: data sets, zones, elements, flows."""
    rng = random.Random(0x5EED)
    data = [(f"d{i}", f"Data set {i}", rng.choice(CLASSES)) for i in range(max(n // 50, 4))]
    elements = []
    for index in range(n):
        roll = rng.randrange(10)
        kind = "actor" if roll == 0 else "external" if roll == 1 else "store" if roll < 4 else "process"
        controls = sorted(set(rng.choice(list(CONTROLS)) for _ in range(rng.randrange(3))))
        elements.append(
            {
                "id": f"e{index}",
                "name": f"Element {index}",
                "kind": kind,
                "zone": index // PER_ZONE,
                "protocol": rng.choice(PROTOCOLS),
                "controls": controls if kind != "actor" else [],
            }
        )
    flows = []
    for index, element in enumerate(elements):
        for _ in range(2):
            target = rng.randrange(n)
            if target == index:
                target = (target + 1) % n
            if target == index:
                continue
            flows.append(
                {
                    "source": element,
                    "target": elements[target],
                    "label": f"Call {len(flows)}",
                    "data": data[rng.randrange(len(data))],
                }
            )
    return data, elements, flows


def tm_text(n, data, elements, flows):
    out = [f'model "Synthetic estate of {n} elements" {{ description "Generated for the pytm comparison" }}']
    for ident, name, classification in data:
        out.append(f'data {ident} "{name}" {{ classification {classification} }}')
    for zone in range((n + PER_ZONE - 1) // PER_ZONE):
        members = [e for e in elements if e["zone"] == zone]
        out.append(f'boundary z{zone} "Zone {zone}" {{')
        for e in members:
            if e["kind"] in ("actor", "external"):
                out.append("  " + tm_element(e))
        out.append(f'  boundary z{zone}_net "Zone {zone} network" {{')
        out.append(f'    boundary z{zone}_app "Zone {zone} cluster" {{')
        for e in members:
            if e["kind"] in ("process", "store"):
                out.append("      " + tm_element(e))
        out.append("    }")
        out.append("  }")
        out.append("}")
    for f in flows:
        out.append(
            f'{f["source"]["id"]} -> {f["target"]["id"]} "{f["label"]}" '
            f'{{ protocol "{f["target"]["protocol"]}"; data [{f["data"][0]}] }}'
        )
    return "\n".join(out) + "\n"


def tm_element(e):
    props = [f'technology "{e["protocol"]} service"']
    if e["controls"]:
        props.append(f'controls [{", ".join(e["controls"])}]')
    return f'{e["kind"]} {e["id"]} "{e["name"]}" {{ {"; ".join(props)} }}'


def pytm_text(n, data, elements, flows):
    out = [
        "#!/usr/bin/env python3",
        f"# Synthetic estate of {n} elements, written by benches/pytm_model.py.",
        "from pytm import TM, Actor, Boundary, Classification, Data, Dataflow, Datastore, ExternalEntity, Process",
        "",
        f'tm = TM("Synthetic estate of {n} elements", description="Generated for the pytm comparison")',
        "",
    ]
    for zone in range((n + PER_ZONE - 1) // PER_ZONE):
        out.append(f'z{zone} = Boundary("Zone {zone}")')
        out.append(f'z{zone}_net = Boundary("Zone {zone} network", inBoundary=z{zone})')
        out.append(f'z{zone}_app = Boundary("Zone {zone} cluster", inBoundary=z{zone}_net)')
    for e in elements:
        boundary = f'z{e["zone"]}' if e["kind"] in ("actor", "external") else f'z{e["zone"]}_app'
        out.append(f'{e["id"]} = {PYTM_KIND[e["kind"]]}("{e["name"]}", inBoundary={boundary})')
        out.append(f'{e["id"]}.protocol = "{e["protocol"]}"')
        if e["kind"] != "actor":
            out.append(f'{e["id"]}.controls.isEncrypted = {e["protocol"] in ENCRYPTED}')
            for control in e["controls"]:
                out.append(f'{e["id"]}.controls.{CONTROLS[control]} = True')
    for index, f in enumerate(flows):
        ident, name, classification = f["data"]
        out.append(f'data{index} = Data("{name}", classification=Classification.{PYTM_CLASS[classification]})')
        out.append(
            f'flow{index} = Dataflow({f["source"]["id"]}, {f["target"]["id"]}, "{f["label"]}", '
            f'protocol="{f["target"]["protocol"]}", data=data{index})'
        )
        out.append(f'flow{index}.controls.isEncrypted = {f["target"]["protocol"] in ENCRYPTED}')
    out += ["", 'if __name__ == "__main__":', "    tm.process()", ""]
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    data, elements, flows = architecture(n)
    with open(os.path.join(directory, "model.tm"), "w", encoding="utf8") as f:
        f.write(tm_text(n, data, elements, flows))
    with open(os.path.join(directory, "model.py"), "w", encoding="utf8") as f:
        f.write(pytm_text(n, data, elements, flows))


if __name__ == "__main__":
    main()
