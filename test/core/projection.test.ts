import { describe, expect, it } from "vitest";
import {
  describeAlgorithm,
  describeProgress,
  isProjectionMethod,
  PROJECTION_METHODS,
  type ProjectionProgress,
} from "../../lib/core/projection";

describe("projection methods", () => {
  it("are PCA, t-SNE and UMAP, by their URL and database names only", () => {
    expect(PROJECTION_METHODS).toEqual(["pca", "tsne", "umap"]);
    expect(["pca", "tsne", "umap"].every(isProjectionMethod)).toBe(true);
    for (const m of ["UMAP", "t-sne", "isomap", ""]) expect(isProjectionMethod(m), m).toBe(false);
  });
});

describe("describeAlgorithm", () => {
  it("names the method, then what computed it and its neighbours", () => {
    expect(describeAlgorithm("tsne", "fft", "approximate")).toBe("t-SNE · FFT interpolation · approximate kNN");
    expect(describeAlgorithm("tsne", "barnes-hut", "exact")).toBe("t-SNE · Barnes–Hut · exact kNN");
    expect(describeAlgorithm("umap", "sgd", "approximate")).toBe("UMAP · SGD · approximate kNN");
  });

  it("says PCA alone, and tolerates layouts stored before the columns existed", () => {
    expect(describeAlgorithm("pca", null, null)).toBe("PCA");
    expect(describeAlgorithm("tsne", null, null)).toBe("t-SNE · algorithm not recorded");
    expect(describeAlgorithm("tsne", undefined, "exact")).toBe("t-SNE · exact kNN");
    expect(describeAlgorithm("umap", "some-new-optimiser", null)).toBe("UMAP · some-new-optimiser");
  });
});

const progress = (p: Partial<ProjectionProgress>): ProjectionProgress => ({
  active: true,
  training: true,
  jobStage: "training",
  epochsPlanned: 16,
  epochsRecorded: 5,
  epochsProjected: 5,
  layouts: { stored: 30, total: 102 },
  umap: { stored: 0, total: 51 },
  ...p,
});

describe("describeProgress", () => {
  it("says which epoch is projected and which is training", () => {
    expect(describeProgress(progress({}))).toBe("epoch 5 of 16 projected; training epoch 6");
    expect(describeProgress(progress({ epochsProjected: 4 }))).toBe(
      "epoch 4 of 16 projected; projecting epoch 5; training epoch 6",
    );
    expect(describeProgress(progress({ epochsRecorded: 1, epochsProjected: 0 }))).toBe(
      "no epoch of 16 projected yet; projecting epoch 1; training epoch 2",
    );
    expect(describeProgress(progress({ epochsRecorded: 0, epochsProjected: 0 }))).toBe("training epoch 1 of 16");
    expect(describeProgress(progress({ epochsRecorded: 16, epochsProjected: 16 }))).toBe(
      "epoch 16 of 16 projected; evaluating the final model",
    );
  });

  it("after training, counts the layouts still to come and names the job's stage", () => {
    const after = { training: false, epochsRecorded: 16, epochsProjected: 16 };
    expect(describeProgress(progress({ ...after, jobStage: "projecting" }))).toBe(
      "training done (16 epochs); 30 of 102 PCA and t-SNE layouts stored; the job is projecting",
    );
    expect(
      describeProgress(
        progress({
          ...after,
          jobStage: "projecting",
          layouts: { stored: 102, total: 102 },
          umap: { stored: 7, total: 51 },
        }),
      ),
    ).toBe(
      "training done (16 epochs); every PCA and t-SNE layout stored; UMAP: 7 of 51 layouts stored; the job is projecting",
    );
  });

  it("is null when nothing runs", () => {
    expect(describeProgress(progress({ active: false }))).toBeNull();
  });
});
