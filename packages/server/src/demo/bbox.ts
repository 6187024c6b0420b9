/**
 * `bbox` (Emu's Box): echoes a bounding box. Emu's echo is broken (its upstream test is xfail); this one returns
 * the coordinates in the order given, with the CRS given.
 */
import { defineProcess, Input, Output, ProcessError } from "@roost/core";

const CRS = ["epsg:4326", "epsg:3035"] as const;

/** Returns the bounding box it is given. */
export default defineProcess({
  identifier: "bbox",
  title: "Bounding box in- and out",
  abstract: "Give bounding box, return the same",
  metadata: [
    { title: "Birdhouse", href: "http://bird-house.github.io/" },
    { title: "User Guide", href: "http://emu.readthedocs.io/en/latest/" },
  ],
  version: "0.2",
  inputs: {
    bbox: Input.bbox({ title: "Bounding Box", abstract: "Bounding Box Input.", crs: CRS, minOccurs: 0 }),
  },
  outputs: {
    // Emu advertises only EPSG:4326 for the output; an EPSG:3035 box is still echoed in EPSG:3035 (converting
    // it would not be an echo).
    bbox: Output.bbox({ title: "Bounding Box", abstract: "Bounding Box Output.", crs: ["epsg:4326"] }),
  },
  handler: async ({ bbox }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    // The input is optional (minOccurs 0, kept for compatibility with Emu's description), but an echo of nothing
    // has no meaningful answer: inventing a box (the whole world?) would hide the mistake and raise the axis-order
    // question for EPSG:4326. Emu fails here too, with an unexplained KeyError; we say why.
    if (bbox === undefined) {
      throw new ProcessError("No bounding box given: pass bbox=minx,miny,maxx,maxy[,crs] to have it echoed.");
    }
    ctx.logger.debug(
      `bbox: lower=${bbox.lowerCorner.join(",")} upper=${bbox.upperCorner.join(",")} crs=${bbox.crs}`,
    );
    ctx.progress(100, "PyWPS Process completed.");
    return {
      bbox: {
        // Without a CRS the box is in the input's default CRS, the first one declared.
        crs: bbox.crs ?? CRS[0],
        dimensions: bbox.dimensions,
        lowerCorner: [...bbox.lowerCorner],
        upperCorner: [...bbox.upperCorner],
      },
    };
  },
});
