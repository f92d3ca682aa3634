/**
 * Third-party images, pinned by tag and digest (a tag can be re-pushed; the digest cannot). The
 * digests are the multi-arch index digests, so amd64 and arm64 nodes (Graviton, Apple silicon) pull
 * the same release. To move to a new release: `docker buildx imagetools inspect <image>:<tag>` (or
 * `crane digest`) and replace tag and digest together.
 */
export const IMAGES = {
    postgres: "postgres:16.6-alpine@sha256:1d04b9ba1d4996401f2552b51beda8187f175c0645c091e4781134fc9c9a3eef",
    rabbitmq: "rabbitmq:3.13.7-management-alpine@sha256:3c498e636fd64462480c5f9ff842eb224ab84160a8ada1ded5375e9569e9230c",
    mongodb: "mongo:7.0.16@sha256:c630c59342c1493d50345136df2af14a76b9e827dd5316bfabee07a0880a5f3a",
    redis: "redis:7.4.2-alpine@sha256:02419de7eddf55aa5bcf49efb74e88fa8d931b4d77c07eff8a6b2144472b6952",
    nats: "nats:2.10.24-alpine@sha256:fd981e2ab99000964bd15286054e61fcc445732fd907db039f260fc0b824b314",
} as const;
