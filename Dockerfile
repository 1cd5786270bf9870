# marketbot: a static, non-root image with the built-in knowledge pack compiled in.
# Data lives in the /data volume. See the README's "Running it as a service".
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/marketbot ./cmd/marketbot && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/marketbot /usr/local/bin/marketbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV MARKETBOT_DATA_DIR=/data MARKETBOT_ADDR=:8080
VOLUME /data
EXPOSE 8080
USER nonroot
# The image has no shell or curl: the binary asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/marketbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/marketbot"]
CMD ["serve"]
