# marketbot: a static, non-root image. Data lives in the /data volume.
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
ENTRYPOINT ["/usr/local/bin/marketbot"]
CMD ["serve"]
