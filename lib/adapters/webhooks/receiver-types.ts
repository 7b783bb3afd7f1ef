import { acrReceiver } from './types/acr.ts';
import { artifactoryReceiver } from './types/artifactory.ts';
import { cdeventsReceiver } from './types/cdevents.ts';
import { distributionReceiver } from './types/distribution.ts';
import { dockerhubReceiver } from './types/dockerhub.ts';
import { ecrReceiver } from './types/ecr.ts';
import { gcrReceiver } from './types/gcr.ts';
import { genericReceiver } from './types/generic.ts';
import { genericHmacReceiver } from './types/generic-hmac.ts';
import { githubReceiver } from './types/github.ts';
import { harborReceiver } from './types/harbor.ts';
import { nexusReceiver } from './types/nexus.ts';
import { quayReceiver } from './types/quay.ts';
import type { ReceiverType } from './webhook-request.ts';

/**
 * Every receiver type this service implements, by the name a Receiver's `spec.type` uses (Flux's
 * names where Flux has the type; `distribution`, `artifactory` and `ecr` are ours). Flux's
 * `gitlab` and `bitbucket` are Git-event receivers with no registry push to report.
 */
export const receiverTypes: ReadonlyMap<string, ReceiverType> = new Map(
  [
    genericReceiver,
    genericHmacReceiver,
    distributionReceiver,
    dockerhubReceiver,
    quayReceiver,
    harborReceiver,
    githubReceiver,
    acrReceiver,
    gcrReceiver,
    nexusReceiver,
    artifactoryReceiver,
    cdeventsReceiver,
    ecrReceiver,
  ].map((r) => [r.type, r]),
);
